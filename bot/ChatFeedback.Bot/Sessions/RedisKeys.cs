using StackExchange.Redis;

namespace ChatFeedback.Bot.Sessions;

/// <summary>
/// Every Redis key ChatFeedback uses, in one place, each under <see cref="RedisOptions.KeyPrefix"/>:
/// <list type="bullet">
/// <item><c>{prefix}session:{conversationKey}</c> — hash, TTL <c>Sessions:IdleTimeout</c>, refreshed on every save;</item>
/// <item><c>{prefix}dedupe:{channel}:{messageId}</c> — string, TTL <c>Sessions:DedupeWindow</c>;</item>
/// <item><c>{prefix}link:{token}</c> — string, TTL = the link's lifetime;</item>
/// <item><c>{prefix}webchat:{{id}}</c> and <c>{prefix}webchat:{{id}}:log</c> — a web chat conversation's hash and
/// transcript list, one hash tag, TTL <c>WebChat:ConversationIdleTimeout</c>, refreshed on activity;</item>
/// <item><c>{prefix}webchat:open</c> — sorted set of open web chat conversations (score: expiry, Unix ms), no TTL,
/// trimmed as conversations are opened;</item>
/// <item><c>{prefix}webchat:wake</c> — the pub/sub channel on which an append names its conversation.</item>
/// </list>
/// </summary>
public sealed class RedisKeys(string prefix)
{
    public string Prefix { get; } = prefix;

    public RedisKey Session(string conversationKey) => $"{Prefix}session:{conversationKey}";

    public RedisKey Dedupe(string channelId, string messageId) => $"{Prefix}dedupe:{channelId}:{messageId}";

    public RedisKey Link(string token) => $"{Prefix}link:{token}";

    public RedisKey WebChatConversation(string conversationId) => $"{Prefix}webchat:{{{conversationId}}}";

    public RedisKey WebChatLog(string conversationId) => $"{Prefix}webchat:{{{conversationId}}}:log";

    public RedisKey WebChatOpen => $"{Prefix}webchat:open";

    public string WebChatWake => $"{Prefix}webchat:wake";
}
