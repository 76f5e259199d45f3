using System.Collections.Frozen;
using ChatFeedback.Adapters;
using ChatFeedback.Bot.Effects;
using ChatFeedback.Bot.Sessions;
using ChatFeedback.Dialogs;

namespace ChatFeedback.Bot.Conversations;

/// <summary>
/// One turn of one conversation: load the session, run the engine, save with optimistic concurrency, carry out
/// the effects, then send the replies. The save comes before anything leaves the process, so a failed send never
/// loses an answer and a conflicting writer never causes a reply or effect twice.
/// </summary>
public sealed class TurnProcessor
{
    /// <summary>Attempts at load-advance-save before the turn is given up (conflicts only happen with concurrent writers).</summary>
    public const int MaxSaveAttempts = 5;

    private readonly DialogEngine _engine;
    private readonly ISessionStore _sessions;
    private readonly EffectDispatcher _effects;
    private readonly FrozenDictionary<string, IChannelAdapter> _channels;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<TurnProcessor> _logger;

    public TurnProcessor(
        DialogEngine engine,
        ISessionStore sessions,
        EffectDispatcher effects,
        IEnumerable<IChannelAdapter> channels,
        TimeProvider timeProvider,
        ILogger<TurnProcessor> logger)
    {
        _engine = engine;
        _sessions = sessions;
        _effects = effects;
        _timeProvider = timeProvider;
        _logger = logger;
        _channels = channels
            .GroupBy(c => c.ChannelId, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
    }

    public async Task ProcessAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var key = message.Conversation.Key;

        for (var attempt = 1; attempt <= MaxSaveAttempts; attempt++)
        {
            var stored = await _sessions.LoadAsync(key, cancellationToken);
            var state = stored?.State ?? _engine.NewState(message.Locale);
            var input = ReplyMapper.ToInput(message, state);
            if (input is null)
            {
                _logger.IgnoredEmpty(message.MessageId, key, message.Kind);
                return;
            }

            var now = _timeProvider.GetUtcNow();
            var turn = _engine.Advance(state, input, now);
            var session = EffectDispatcher.ApplyToSession(
                new StoredSession(turn.State, message.Conversation, stored?.Version ?? 0, stored?.OptedOut ?? false, now),
                turn.Effects);

            if (!await _sessions.TrySaveAsync(key, session, stored?.Version ?? 0, cancellationToken))
            {
                _logger.SaveConflict(key, message.MessageId, attempt);
                continue;
            }

            _logger.TurnDone(message.MessageId, key, turn.Outcome, turn.Replies.Count, turn.Effects.Count);
            await _effects.DispatchAsync(new EffectContext(message.Conversation, message.MessageId, turn.State), turn.Effects, cancellationToken);
            await SendAsync(message, turn.Replies, cancellationToken);
            return;
        }

        _logger.GaveUp(message.MessageId, key, MaxSaveAttempts);
    }

    private async Task SendAsync(InboundMessage message, IReadOnlyList<Reply> replies, CancellationToken cancellationToken)
    {
        if (replies.Count == 0)
        {
            return;
        }

        var to = message.Conversation;
        if (!_channels.TryGetValue(to.ChannelId, out var channel))
        {
            _logger.NoChannel(to.ChannelId, replies.Count, to.Key);
            return;
        }

        foreach (var reply in replies)
        {
            SendResult result;
            try
            {
                result = await channel.SendAsync(to, ReplyMapper.ToOutbound(reply), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _logger.SendFailed(ex, to.Key, message.MessageId);
                continue;
            }

            if (result.Status == SendStatus.Delivered)
            {
                continue;
            }

            _logger.NotDelivered(to.Key, message.MessageId, result.Status, result.Detail);
            if (result.Status == SendStatus.Unreachable)
            {
                return; // the customer blocked us or the conversation is gone: the rest would fail the same way
            }
        }
    }
}
