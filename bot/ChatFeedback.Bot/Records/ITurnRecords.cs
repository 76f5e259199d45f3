using ChatFeedback.Adapters;
using ChatFeedback.Dialogs;

namespace ChatFeedback.Bot.Records;

/// <summary>One turn as the records see it.</summary>
/// <param name="Message">What the customer did (its conversation, channel message id and reported locale).</param>
/// <param name="Before">The dialog state the turn started from (the running flow's start groups its answers).</param>
/// <param name="Turn">What the engine made of it: the effects to record.</param>
/// <param name="Customer">The customer as read before the engine ran; null = unknown (created now).</param>
/// <param name="SessionOptedOut">Whether the session counted the conversation as opted out.</param>
/// <param name="At">The turn's time.</param>
public sealed record TurnRecord(InboundMessage Message, DialogState Before, DialogTurn Turn, CustomerSnapshot? Customer, bool SessionOptedOut, DateTimeOffset At);

/// <summary>
/// Everything a turn changes in the records (the conversation's identity, answers, a case, consent, erasure),
/// committed together before the session is saved. A failure throws: the turn must then not count.
/// </summary>
public interface ITurnRecords
{
    /// <summary>Records the turn once, however often it is delivered; returns its customer (null after erasure).</summary>
    Task<Guid?> RecordAsync(TurnRecord turn, CancellationToken cancellationToken);
}
