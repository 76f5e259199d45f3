using System.Threading.RateLimiting;
using ChatFeedback.Adapters;

namespace ChatFeedback.Bot.Outbound;

/// <summary>
/// One channel's send limits as token buckets (System.Threading.RateLimiting): per conversation, per group
/// conversation, and for the bot overall. A send waits until every bucket that applies grants a token.
/// </summary>
internal sealed class ChannelThrottle : IAsyncDisposable
{
    private readonly PartitionedRateLimiter<ConversationAddress>? _perConversation;
    private readonly PartitionedRateLimiter<ConversationAddress>? _perGroup;
    private readonly RateLimiter? _global;

    private static readonly TimeSpan MinimumPeriod = TimeSpan.FromMilliseconds(10);

    public ChannelThrottle(ChannelRateLimits limits)
    {
        if (limits.PerConversationPerSecond > 0)
        {
            var burst = Math.Max(1, limits.PerConversationBurst);
            _perConversation = PartitionedRateLimiter.Create<ConversationAddress, string>(address =>
                RateLimitPartition.GetTokenBucketLimiter(address.Key, _ => Bucket(burst, limits.PerConversationPerSecond, TimeSpan.FromSeconds(1))));
        }

        if (limits.PerGroupPerMinute > 0)
        {
            _perGroup = PartitionedRateLimiter.Create<ConversationAddress, string>(address => address.IsGroup
                ? RateLimitPartition.GetTokenBucketLimiter(address.Key, _ => Bucket((int)Math.Max(1, limits.PerGroupPerMinute), limits.PerGroupPerMinute, TimeSpan.FromMinutes(1)))
                : RateLimitPartition.GetNoLimiter(string.Empty));
        }

        if (limits.GlobalPerSecond > 0)
        {
            _global = new TokenBucketRateLimiter(Bucket(Math.Max(1, limits.GlobalBurst), limits.GlobalPerSecond, TimeSpan.FromSeconds(1)));
        }
    }

    /// <summary>Waits for a token from every bucket that applies to <paramref name="to"/>.</summary>
    public async ValueTask AcquireAsync(ConversationAddress to, CancellationToken cancellationToken)
    {
        if (_perConversation is not null)
        {
            using var lease = await _perConversation.AcquireAsync(to, 1, cancellationToken);
        }

        if (_perGroup is not null)
        {
            using var lease = await _perGroup.AcquireAsync(to, 1, cancellationToken);
        }

        if (_global is not null)
        {
            using var lease = await _global.AcquireAsync(1, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_perConversation is not null)
        {
            await _perConversation.DisposeAsync();
        }

        if (_perGroup is not null)
        {
            await _perGroup.DisposeAsync();
        }

        if (_global is not null)
        {
            await _global.DisposeAsync();
        }
    }

    /// <summary>
    /// A bucket of <paramref name="burst"/> tokens refilled at <paramref name="rate"/> per <paramref name="per"/>,
    /// queueing waiters in order (oldest first) instead of refusing them.
    /// </summary>
    private static TokenBucketRateLimiterOptions Bucket(int burst, double rate, TimeSpan per)
    {
        // Refill one token at a time as often as the rate says, so a steady sender is never bunched up; for high
        // rates refill several every 10 ms rather than running a timer faster than that.
        var period = TimeSpan.FromTicks((long)(per.Ticks / rate));
        var tokens = 1;
        if (period < MinimumPeriod)
        {
            tokens = (int)Math.Ceiling(rate * MinimumPeriod.Ticks / per.Ticks);
            period = MinimumPeriod;
        }

        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(burst, tokens),
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        };
    }
}
