using ChatFeedback.Adapters;
using ChatFeedback.Dialogs;

namespace ChatFeedback.Bot.Sessions;

/// <summary>
/// One conversation's saved session. <see cref="Version"/> is the store's optimistic-concurrency token: 0 never
/// exists in a store, the first save writes 1, every save adds one.
/// </summary>
/// <param name="State">The dialog state (stored as <see cref="DialogStateSerializer"/> JSON).</param>
/// <param name="Address">Where to reach the conversation, proactively too.</param>
/// <param name="Version">The version this copy was loaded at (ignored on save; the store writes expected + 1).</param>
/// <param name="OptedOut">The customer said stop: never contact them proactively again.</param>
/// <param name="UpdatedAt">When the session was last saved.</param>
public sealed record StoredSession(DialogState State, ConversationAddress Address, long Version, bool OptedOut, DateTimeOffset UpdatedAt);

/// <summary>Sessions by conversation key (<see cref="ConversationAddress.Key"/>), with optimistic concurrency.</summary>
public interface ISessionStore
{
    /// <summary>The session, or null when there is none (never saved, deleted, or idle past its expiry).</summary>
    Task<StoredSession?> LoadAsync(string conversationKey, CancellationToken cancellationToken);

    /// <summary>
    /// Loads the session for a turn caused by <paramref name="causedBy"/>, and says whether a store that
    /// <see cref="DeduplicatesOnSave"/> has already admitted that message with a save (a redelivery: the turn must be
    /// dropped before anything is recorded). Other stores never report it; their dedupe is at enqueue.
    /// </summary>
    async Task<(StoredSession? Session, bool AlreadyHandled)> LoadAsync(string conversationKey, MessageIdentity causedBy, CancellationToken cancellationToken) =>
        (await LoadAsync(conversationKey, cancellationToken), false);

    /// <summary>
    /// Saves <paramref name="session"/> if the stored version is still <paramref name="expectedVersion"/>
    /// (0 = there must be no session). The saved copy gets version <paramref name="expectedVersion"/> + 1 and a fresh
    /// idle expiry. Returns false, changing nothing, when another writer got there first.
    /// </summary>
    Task<bool> TrySaveAsync(string conversationKey, StoredSession session, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>
    /// True when this store admits the message that caused a save exactly once, in the same atomic step as the save
    /// (<see cref="TrySaveAsync(string, StoredSession, long, MessageIdentity, CancellationToken)"/>): the turn queue then
    /// does not deduplicate at enqueue, which saves a round trip per turn.
    /// </summary>
    bool DeduplicatesOnSave => false;

    /// <summary>
    /// Saves like <see cref="TrySaveAsync(string, StoredSession, long, CancellationToken)"/> on behalf of
    /// <paramref name="causedBy"/>. A store that <see cref="DeduplicatesOnSave"/> refuses the save, changing nothing, when
    /// that message id was admitted before within <see cref="SessionsOptions.DedupeWindow"/>, and otherwise remembers it
    /// with the save; any other store leaves dedupe to the turn queue. The Redis store also removes the message from the
    /// turn inbox (<see cref="ITurnInbox"/>) in the same step when it saves or refuses it; the in-process inbox keeps nothing.
    /// </summary>
    async Task<SaveOutcome> TrySaveAsync(string conversationKey, StoredSession session, long expectedVersion, MessageIdentity causedBy, CancellationToken cancellationToken) =>
        await TrySaveAsync(conversationKey, session, expectedVersion, cancellationToken) ? SaveOutcome.Saved : SaveOutcome.Conflict;

    /// <summary>
    /// Admits <paramref name="causedBy"/> for a turn that saves nothing (a press of an old question: only a notice goes
    /// out): false when a store that <see cref="DeduplicatesOnSave"/> has admitted it before. The Redis store takes the
    /// message out of the turn inbox in the same step, so such a turn costs no more round trips than one that saves. Any other store
    /// admitted the message at enqueue and says true.
    /// </summary>
    Task<bool> AdmitAsync(string conversationKey, MessageIdentity causedBy, CancellationToken cancellationToken) => Task.FromResult(true);

    /// <summary>Forgets the session; nothing happens when there is none.</summary>
    Task DeleteAsync(string conversationKey, CancellationToken cancellationToken);
}

/// <summary>
/// A session as a turn loads it: the stored copy (null when there is none) and whether the turn's message was admitted
/// before (<see cref="ISessionStore.LoadAsync(string, MessageIdentity, CancellationToken)"/>).
/// </summary>
public readonly record struct LoadedSession(StoredSession? Session, bool AlreadyHandled);

/// <summary>A channel message, as the deduplicator knows it.</summary>
public readonly record struct MessageIdentity(string ChannelId, string MessageId);

public enum SaveOutcome
{
    Saved,

    /// <summary>Another writer saved first: load again and retry.</summary>
    Conflict,

    /// <summary>The message was handled before (a redelivery): nothing was saved, and nothing must be sent.</summary>
    Duplicate,
}
