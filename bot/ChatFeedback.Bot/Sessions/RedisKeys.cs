using StackExchange.Redis;

namespace ChatFeedback.Bot.Sessions;

/// <summary>
/// Every Redis key ChatFeedback uses, in one place, each under <see cref="RedisOptions.KeyPrefix"/> (<c>cf:</c> here):
/// <list type="bullet">
/// <item><c>cf:session:{telegram:123}</c> — the session of conversation <c>telegram:123</c>: hash, TTL
/// <c>Sessions:IdleTimeout</c>, refreshed on every save;</item>
/// <item><c>cf:dedupe:{telegram:123}:731245006</c> — message <c>731245006</c> of that conversation was admitted:
/// string, TTL <c>Sessions:DedupeWindow</c>;</item>
/// <item><c>cf:inbox:{telegram:123}</c> — that conversation's accepted messages whose turn has not ended yet
/// (<see cref="RedisTurnInbox"/>): hash, TTL <c>Sessions:DedupeWindow</c>, refreshed by each add;</item>
/// <item><c>cf:link:TOKEN</c> — a survey link: string, TTL = the link's lifetime;</item>
/// <item><c>cf:webchat:{wc-1}</c> and <c>cf:webchat:{wc-1}:log</c> — web chat conversation <c>wc-1</c>'s hash and
/// transcript list, one hash tag, TTL <c>WebChat:ConversationIdleTimeout</c>, refreshed on activity;</item>
/// <item><c>cf:webchat:open</c> — sorted set of open web chat conversations (score: expiry, Unix ms), no TTL,
/// trimmed as conversations are opened;</item>
/// <item><c>cf:webchat:wake</c> — the pub/sub channel on which an append names its conversation.</item>
/// </list>
/// The braces are literal: they make the conversation key a Redis Cluster hash tag, so a conversation's session, its
/// dedupe keys and its inbox sit in one hash slot, and the scripts that touch several in one step (a turn's load and save)
/// run on a cluster as on a single server. That is why the prefix may not hold braces (<see cref="RedisOptionsValidator"/>).
/// Keys from before this scheme (<c>cf:session:telegram:123</c>, <c>cf:dedupe:telegram:731245006</c>) are not read.
/// </summary>
public sealed class RedisKeys(string prefix)
{
    public string Prefix { get; } = prefix;

    public RedisKey Session(string conversationKey) => $"{Prefix}session:{{{conversationKey}}}";

    /// <summary>
    /// A message admitted in a conversation. Keyed by conversation, not channel: the conversation key names the
    /// channel, and the message shares its session's hash slot. A redelivery always arrives in the same conversation.
    /// </summary>
    public RedisKey Dedupe(string conversationKey, string messageId) => $"{Prefix}dedupe:{{{conversationKey}}}:{messageId}";

    /// <summary>The turn inbox of a conversation: same hash tag as its session, so the save script can clear it.</summary>
    public RedisKey Inbox(string conversationKey) => $"{Prefix}inbox:{{{conversationKey}}}";

    public RedisKey Link(string token) => $"{Prefix}link:{token}";

    public RedisKey WebChatConversation(string conversationId) => $"{Prefix}webchat:{{{conversationId}}}";

    public RedisKey WebChatLog(string conversationId) => $"{Prefix}webchat:{{{conversationId}}}:log";

    public RedisKey WebChatOpen => $"{Prefix}webchat:open";

    public string WebChatWake => $"{Prefix}webchat:wake";
}
