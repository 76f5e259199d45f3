using ChatFeedback.Adapters;

namespace ChatFeedback.Bot.Sessions;

/// <summary>
/// Accepted inbound messages whose turn has not ended yet, kept where they survive this process: a channel is
/// acknowledged once its message is here, so a crash before the turn ran does not lose it. The turn queue adds a message
/// before it queues it; a turn's session save takes it out in the same step (<see cref="ISessionStore"/>), any other end
/// of the turn removes it; at start-up what is still here is queued again (<c>TurnInboxRecovery</c>).
/// </summary>
public interface ITurnInbox
{
    /// <summary>True when the messages outlive the process (Redis); false for the in-process no-op.</summary>
    bool IsDurable { get; }

    /// <summary>
    /// Keeps <paramref name="message"/> until its turn ends. Not <see cref="InboxAddition.Added"/> when it is already kept
    /// (a redelivery of a message still waiting): nothing is written, and whoever added it removes it. When nothing else
    /// was waiting for the conversation, the Redis inbox reads its session in the same step
    /// (<see cref="InboxAddition.Loaded"/>): nothing can change it before this message's turn but a writer that the
    /// turn's save then finds by its version, so the turn need not load it again.
    /// </summary>
    ValueTask<InboxAddition> AddAsync(InboundMessage message);

    /// <summary>Forgets a message whose turn ended without a session save; nothing happens when it is not kept.</summary>
    ValueTask RemoveAsync(string conversationKey, string messageId);

    /// <summary>
    /// Every kept message, each conversation's in arrival order. An entry that cannot be read is logged and removed,
    /// never returned.
    /// </summary>
    IAsyncEnumerable<InboundMessage> PendingAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The embedded default: sessions live in this process too, so after a crash there is nothing to resume a message
/// against. Keeps nothing and costs nothing.
/// </summary>
public sealed class InProcessTurnInbox : ITurnInbox
{
    public bool IsDurable => false;

    public ValueTask<InboxAddition> AddAsync(InboundMessage message) => ValueTask.FromResult(new InboxAddition(true, null));

    public ValueTask RemoveAsync(string conversationKey, string messageId) => ValueTask.CompletedTask;

    public IAsyncEnumerable<InboundMessage> PendingAsync(CancellationToken cancellationToken) => AsyncEnumerable.Empty<InboundMessage>();
}

/// <summary>What <see cref="ITurnInbox.AddAsync"/> did: whether it added the message, and the session it read with it.</summary>
public readonly record struct InboxAddition(bool Added, LoadedSession? Loaded);
