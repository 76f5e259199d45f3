using ChatFeedback.Adapters;
using ChatFeedback.Dialogs;

namespace ChatFeedback.Bot.Effects;

/// <summary>The turn an effect came from: which conversation, which channel message, and the state after it.</summary>
public sealed record EffectContext(ConversationAddress Conversation, string MessageId, DialogState State);

/// <summary>
/// Carries out engine effects after the turn's session is saved (hand-off plugs in here; answers, cases, follow-up
/// check-ins, consent and erasure are already recorded, by <c>Records.ITurnRecords</c> inside the turn).
/// Every registered handler sees every effect and ignores what it does not handle.
/// </summary>
public interface IEffectHandler
{
    ValueTask HandleAsync(EffectContext context, DialogEffect effect, CancellationToken cancellationToken);
}
