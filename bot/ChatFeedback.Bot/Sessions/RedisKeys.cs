using StackExchange.Redis;

namespace ChatFeedback.Bot.Sessions;

/// <summary>
/// Every Redis key ChatFeedback uses, in one place, each under <see cref="RedisOptions.KeyPrefix"/>:
/// <list type="bullet">
/// <item><c>{prefix}session:{conversationKey}</c> — hash, TTL <c>Sessions:IdleTimeout</c>, refreshed on every save;</item>
/// <item><c>{prefix}dedupe:{channel}:{messageId}</c> — string, TTL <c>Sessions:DedupeWindow</c>;</item>
/// <item><c>{prefix}link:{token}</c> — string, TTL = the link's lifetime.</item>
/// </list>
/// </summary>
public sealed class RedisKeys(string prefix)
{
    public string Prefix { get; } = prefix;

    public RedisKey Session(string conversationKey) => $"{Prefix}session:{conversationKey}";

    public RedisKey Dedupe(string channelId, string messageId) => $"{Prefix}dedupe:{channelId}:{messageId}";

    public RedisKey Link(string token) => $"{Prefix}link:{token}";
}
