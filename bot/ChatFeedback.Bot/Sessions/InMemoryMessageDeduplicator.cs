using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Sessions;

/// <summary>
/// The embedded-default deduplicator. Ids are remembered for <see cref="SessionsOptions.DedupeWindow"/>; expired ids
/// are swept regularly, so memory is bounded by the traffic of one window.
/// </summary>
public sealed class InMemoryMessageDeduplicator(IOptions<SessionsOptions> options, TimeProvider timeProvider) : IMessageDeduplicator
{
    private readonly ConcurrentDictionary<(string ConversationKey, string MessageId), DateTimeOffset> _seen = new();
    private readonly TimeSpan _window = options.Value.DedupeWindow;
    private readonly TimeSpan _sweepInterval = TimeSpan.FromTicks(Math.Max(options.Value.DedupeWindow.Ticks / 8, TimeSpan.TicksPerSecond));
    private long _nextSweepTicks;

    /// <summary>How many ids are remembered right now (expired ones included until the next sweep).</summary>
    internal int Count => _seen.Count;

    public ValueTask<bool> TryBeginAsync(string conversationKey, string messageId)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationKey);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        var now = timeProvider.GetUtcNow();
        SweepIfDue(now);

        var key = (conversationKey, messageId);
        var expiresAt = now + _window;
        while (true)
        {
            if (_seen.TryAdd(key, expiresAt))
            {
                return ValueTask.FromResult(true);
            }

            if (!_seen.TryGetValue(key, out var existing))
            {
                continue; // removed meanwhile: try to add again
            }

            if (now < existing)
            {
                return ValueTask.FromResult(false);
            }

            // Seen, but longer ago than the window: this counts as new. Only one concurrent caller wins the swap.
            return ValueTask.FromResult(_seen.TryUpdate(key, expiresAt, existing));
        }
    }

    public ValueTask ForgetAsync(string conversationKey, string messageId)
    {
        _seen.TryRemove((conversationKey, messageId), out _);
        return ValueTask.CompletedTask;
    }

    private void SweepIfDue(DateTimeOffset now)
    {
        var next = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks < next || Interlocked.CompareExchange(ref _nextSweepTicks, now.UtcTicks + _sweepInterval.Ticks, next) != next)
        {
            return;
        }

        foreach (var pair in _seen)
        {
            if (now >= pair.Value)
            {
                _seen.TryRemove(pair);
            }
        }
    }
}
