using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatFeedback.Bot.Sessions;

/// <summary>
/// Dedupe shared by every instance: <c>SET {prefix}dedupe:{channel}:{id} 1 NX PX window</c> admits a message id once
/// per <see cref="SessionsOptions.DedupeWindow"/> (one round trip); Redis expires the key, so nothing needs sweeping.
/// </summary>
public sealed class RedisMessageDeduplicator(IConnectionMultiplexer connection, RedisKeys keys, IOptions<SessionsOptions> options) : IMessageDeduplicator
{
    private readonly TimeSpan _window = options.Value.DedupeWindow;

    public async ValueTask<bool> TryBeginAsync(string channelId, string messageId)
    {
        ArgumentException.ThrowIfNullOrEmpty(channelId);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        return await connection.GetDatabase().StringSetAsync(keys.Dedupe(channelId, messageId), 1, _window, When.NotExists);
    }

    public async ValueTask ForgetAsync(string channelId, string messageId)
    {
        ArgumentException.ThrowIfNullOrEmpty(channelId);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        await connection.GetDatabase().KeyDeleteAsync(keys.Dedupe(channelId, messageId));
    }
}
