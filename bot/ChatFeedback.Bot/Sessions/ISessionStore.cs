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
    /// Saves <paramref name="session"/> if the stored version is still <paramref name="expectedVersion"/>
    /// (0 = there must be no session). The saved copy gets version <paramref name="expectedVersion"/> + 1 and a fresh
    /// idle expiry. Returns false, changing nothing, when another writer got there first.
    /// </summary>
    Task<bool> TrySaveAsync(string conversationKey, StoredSession session, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Forgets the session; nothing happens when there is none.</summary>
    Task DeleteAsync(string conversationKey, CancellationToken cancellationToken);
}
