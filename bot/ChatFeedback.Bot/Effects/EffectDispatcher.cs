using ChatFeedback.Bot.Sessions;
using ChatFeedback.Dialogs;

namespace ChatFeedback.Bot.Effects;

/// <summary>Folds session-level effects into the session before it is saved, and hands every effect to the handlers after.</summary>
public sealed class EffectDispatcher(IEnumerable<IEffectHandler> handlers, ILogger<EffectDispatcher> logger)
{
    private readonly IEffectHandler[] _handlers = handlers.ToArray();

    /// <summary>
    /// Applies what belongs in the session itself (opt-out, and opt-in again), so it is saved atomically with the
    /// dialog state. Pure: it may run again when the save hits a concurrency conflict.
    /// </summary>
    public static StoredSession ApplyToSession(StoredSession session, IEnumerable<DialogEffect> effects)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(effects);
        var optedOut = session.OptedOut;
        foreach (var effect in effects)
        {
            optedOut = effect switch { OptOut => true, OptIn => false, _ => optedOut };
        }

        return optedOut == session.OptedOut ? session : session with { OptedOut = optedOut };
    }

    /// <summary>Runs every handler on every effect, in order; a failing handler is logged and does not stop the rest.</summary>
    public async Task DispatchAsync(EffectContext context, IReadOnlyList<DialogEffect> effects, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(effects);
        foreach (var effect in effects)
        {
            foreach (var handler in _handlers)
            {
                try
                {
                    await handler.HandleAsync(context, effect, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    logger.LogError(
                        ex,
                        "Effect handler {Handler} failed on {Effect} in {ConversationKey} (message {MessageId})",
                        handler.GetType().Name,
                        effect.GetType().Name,
                        context.Conversation.Key,
                        context.MessageId);
                }
            }
        }
    }
}
