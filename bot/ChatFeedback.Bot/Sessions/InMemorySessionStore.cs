using System.Collections.Concurrent;
using ChatFeedback.Adapters;
using ChatFeedback.Dialogs;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Sessions;

/// <summary>
/// The embedded-default session store (one instance, no Redis). The state is kept serialised, as Redis keeps it,
/// so both stores hand out independent copies and exercise the same serialiser. Idle sessions expire
/// <see cref="SessionsOptions.IdleTimeout"/> after their last save.
/// </summary>
public sealed class InMemorySessionStore(IOptions<SessionsOptions> options, TimeProvider timeProvider) : ISessionStore
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeSpan _idleTimeout = options.Value.IdleTimeout;
    private long _nextSweepTicks;

    public Task<StoredSession?> LoadAsync(string conversationKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationKey);
        var now = timeProvider.GetUtcNow();
        if (!_entries.TryGetValue(conversationKey, out var entry))
        {
            return Task.FromResult<StoredSession?>(null);
        }

        if (entry.IsExpired(now))
        {
            _entries.TryRemove(KeyValuePair.Create(conversationKey, entry));
            return Task.FromResult<StoredSession?>(null);
        }

        return Task.FromResult<StoredSession?>(entry.ToSession());
    }

    public Task<bool> TrySaveAsync(string conversationKey, StoredSession session, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationKey);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        var now = timeProvider.GetUtcNow();
        SweepIfDue(now);

        var replacement = new Entry(
            DialogStateSerializer.Serialize(session.State),
            session.Address,
            expectedVersion + 1,
            session.OptedOut,
            session.UpdatedAt,
            now + _idleTimeout);

        _entries.TryGetValue(conversationKey, out var current);
        var currentVersion = current is null || current.IsExpired(now) ? 0 : current.Version;
        if (currentVersion != expectedVersion)
        {
            return Task.FromResult(false);
        }

        // Compare-and-swap against exactly the entry that was checked, so a concurrent writer makes this one fail.
        var saved = current is null
            ? _entries.TryAdd(conversationKey, replacement)
            : _entries.TryUpdate(conversationKey, replacement, current);
        return Task.FromResult(saved);
    }

    public Task DeleteAsync(string conversationKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationKey);
        _entries.TryRemove(conversationKey, out _);
        return Task.CompletedTask;
    }

    private void SweepIfDue(DateTimeOffset now)
    {
        var next = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks < next || Interlocked.CompareExchange(ref _nextSweepTicks, now.UtcTicks + SweepInterval.Ticks, next) != next)
        {
            return;
        }

        foreach (var pair in _entries)
        {
            if (pair.Value.IsExpired(now))
            {
                _entries.TryRemove(pair);
            }
        }
    }

    // A class, not a record: TryUpdate must compare by reference.
    private sealed class Entry(byte[] state, ConversationAddress address, long version, bool optedOut, DateTimeOffset updatedAt, DateTimeOffset expiresAt)
    {
        public long Version { get; } = version;

        public bool IsExpired(DateTimeOffset now) => now >= expiresAt;

        public StoredSession ToSession() =>
            new(DialogStateSerializer.Deserialize(state), address, Version, optedOut, updatedAt);
    }
}
