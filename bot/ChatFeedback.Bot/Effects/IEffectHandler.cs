using ChatFeedback.Adapters;
using ChatFeedback.Dialogs;

namespace ChatFeedback.Bot.Effects;

/// <summary>The turn an effect came from: which conversation, which channel message, and the state after it.</summary>
public sealed record EffectContext(ConversationAddress Conversation, string MessageId, DialogState State)
{
    /// <summary>
    /// The conversation's customer in the records (null after an erasure). The turn's records (answers, a case opened
    /// by this message) are committed before any handler runs.
    /// </summary>
    public Guid? CustomerId { get; init; }
}

/// <summary>
/// Carries out engine effects after the turn's session is saved (hand-off, schedules plug in here; answers, cases,
/// consent and erasure are already recorded, by <c>Records.ITurnRecords</c> inside the turn).
/// Every registered handler sees every effect and ignores what it does not handle.
/// </summary>
public interface IEffectHandler
{
    ValueTask HandleAsync(EffectContext context, DialogEffect effect, CancellationToken cancellationToken);
}
