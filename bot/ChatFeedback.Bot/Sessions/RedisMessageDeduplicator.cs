using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatFeedback.Bot.Sessions;

/// <summary>
/// Dedupe shared by every instance: <c>SET</c> of <see cref="RedisKeys.Dedupe"/> with <c>NX PX window</c> admits a
/// message id once per <see cref="SessionsOptions.DedupeWindow"/> (one round trip); Redis expires the key, so nothing
/// needs sweeping. The key is the one <see cref="RedisSessionStore"/> admits a turn's message under.
/// </summary>
public sealed class RedisMessageDeduplicator(IConnectionMultiplexer connection, RedisKeys keys, IOptions<SessionsOptions> options) : IMessageDeduplicator
{
    private readonly TimeSpan _window = options.Value.DedupeWindow;

    public async ValueTask<bool> TryBeginAsync(string conversationKey, string messageId)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationKey);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        return await connection.GetDatabase().StringSetAsync(keys.Dedupe(conversationKey, messageId), 1, _window, When.NotExists);
    }

    public async ValueTask ForgetAsync(string conversationKey, string messageId)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationKey);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        await connection.GetDatabase().KeyDeleteAsync(keys.Dedupe(conversationKey, messageId));
    }
}
