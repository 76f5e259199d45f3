using System.Text.Json;
using ChatFeedback.Dialogs;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatFeedback.Bot.Sessions;

/// <summary>
/// Sessions in Redis, shared by every instance: one hash per conversation at <see cref="RedisKeys.Session"/> with
/// fields <c>v</c> (version), <c>s</c> (<see cref="DialogStateSerializer"/> JSON) and <c>m</c> (address, opt-out,
/// updated-at as JSON). The key expires <see cref="SessionsOptions.IdleTimeout"/> after the last save.
/// Load is one HMGET; save is one EVALSHA (EVAL the first time on a connection) that compares the version and writes
/// atomically, and for a turn also admits the message that caused it (dedupe) and takes it out of the turn inbox
/// (<see cref="RedisTurnInbox"/>). A turn costs two round trips here, three with the inbox's add; when the add found
/// nothing else waiting for the conversation it read the session too, and the turn skips its own load (two in all).
/// The scripts touch the session, the dedupe key and the inbox together, which share the conversation's hash tag
/// (<see cref="RedisKeys"/>): on a Redis Cluster both are in one slot.
/// </summary>
public sealed class RedisSessionStore(IConnectionMultiplexer connection, RedisKeys keys, IOptions<SessionsOptions> options) : ISessionStore
{
    private static readonly RedisValue VersionField = "v";
    private static readonly RedisValue StateField = "s";
    private static readonly RedisValue MetadataField = "m";
    private static readonly RedisValue[] AllFields = [VersionField, StateField, MetadataField];

    // Compare-and-set in one round trip: a missing hash counts as version 0. The field names match the constants above.
    private const string CompareAndSet = """
        local current = redis.call('HGET', @Key, 'v')
        if (current and tonumber(current) or 0) ~= tonumber(@Expected) then
          return 0
        end
        redis.call('HSET', @Key, 'v', @Version, 's', @State, 'm', @Metadata)
        redis.call('PEXPIRE', @Key, @TtlMilliseconds)

        """;

    private static readonly LuaScript SaveScript = LuaScript.Prepare(CompareAndSet + "return 1");

    // The same, admitting the message that caused the save (RedisMessageDeduplicator's key) in the same atomic step:
    // a redelivered message is refused here, so the turn needs no separate dedupe round trip. Saved or refused, the
    // message's turn has ended: its turn inbox entry (RedisTurnInbox) goes too, at no round trip of its own.
    private static readonly LuaScript SaveOnceScript = LuaScript.Prepare(
        "if redis.call('EXISTS', @Dedupe) == 1 then\n"
        + RedisTurnInbox.RemoveEntryLua
        + "return 2\nend\n"
        + CompareAndSet
        + "redis.call('SET', @Dedupe, 1, 'PX', @DedupeMilliseconds)\n"
        + RedisTurnInbox.RemoveEntryLua
        + "return 1");

    // Admits the message of a turn that saves nothing (RedisMessageDeduplicator's key, as the save does) and, admitted
    // now or before, takes it out of the turn inbox: its turn ends here either way.
    private static readonly LuaScript AdmitScript = LuaScript.Prepare(
        "local admitted = redis.call('SET', @Dedupe, 1, 'NX', 'PX', @DedupeMilliseconds)\n"
        + RedisTurnInbox.RemoveEntryLua
        + "if admitted then return 1 end\nreturn 0");

    /// <summary>
    /// The session at <c>@Key</c> and whether its turn's message (<c>@Dedupe</c>) was admitted before, as four values
    /// (HGETs, not HMGET, so the load tool's count of round trips can tell the script's inner commands from the
    /// service's own). Shared with the turn inbox's add script, which returns them after its own.
    /// </summary>
    internal const string LoadOnceLua = "redis.call('HGET', @Key, 'v'), redis.call('HGET', @Key, 's'), redis.call('HGET', @Key, 'm'), redis.call('EXISTS', @Dedupe)";

    private static readonly LuaScript LoadOnceScript = LuaScript.Prepare("return { " + LoadOnceLua + " }");

    private readonly long _idleTimeoutMilliseconds = (long)options.Value.IdleTimeout.TotalMilliseconds;
    private readonly long _dedupeWindowMilliseconds = (long)options.Value.DedupeWindow.TotalMilliseconds;

    public bool DeduplicatesOnSave => true;

    public async Task<StoredSession?> LoadAsync(string conversationKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationKey);
        // No WaitAsync on the per-turn calls: the client's own async timeout bounds them, and a cancellable wait
        // costs an allocation and a continuation on every turn.
        var key = keys.Session(conversationKey);
        return Read(key, await connection.GetDatabase().HashGetAsync(key, AllFields));
    }

    public async Task<(StoredSession? Session, bool AlreadyHandled)> LoadAsync(string conversationKey, MessageIdentity causedBy, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationKey);
        ArgumentException.ThrowIfNullOrEmpty(causedBy.ChannelId);
        ArgumentException.ThrowIfNullOrEmpty(causedBy.MessageId);
        var key = keys.Session(conversationKey);
        var result = (RedisResult[])(await connection.GetDatabase().ScriptEvaluateAsync(
            LoadOnceScript, new LoadOnceParameters(key, keys.Dedupe(conversationKey, causedBy.MessageId))))!;
        var (session, handled) = ReadLoaded(key, result, 0);
        return (session, handled);
    }

    /// <summary>
    /// The four values <see cref="LoadOnceLua"/> returns, from <paramref name="offset"/> in <paramref name="result"/>: the
    /// session and whether its turn's message was admitted before.
    /// </summary>
    internal static LoadedSession ReadLoaded(RedisKey sessionKey, RedisResult[] result, int offset)
    {
        RedisValue[] values = [(RedisValue)result[offset], (RedisValue)result[offset + 1], (RedisValue)result[offset + 2]];
        return new LoadedSession(Read(sessionKey, values), (int)result[offset + 3] == 1);
    }

    private static StoredSession? Read(RedisKey sessionKey, RedisValue[] values)
    {
        if (values[0].IsNull)
        {
            return null;
        }

        if (values[1].IsNull || values[2].IsNull)
        {
            throw new InvalidDataException($"The Redis session {sessionKey} is incomplete (fields v, s and m are expected).");
        }

        var metadata = JsonSerializer.Deserialize((byte[])values[2]!, RedisJsonContext.Default.SessionMetadata)
            ?? throw new InvalidDataException($"The Redis session {sessionKey} has empty metadata.");
        return new StoredSession(
            DialogStateSerializer.Deserialize((byte[])values[1]!),
            metadata.Address,
            (long)values[0],
            metadata.OptedOut,
            metadata.UpdatedAt);
    }

    public async Task<bool> TrySaveAsync(string conversationKey, StoredSession session, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationKey);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);

        var parameters = new SaveParameters(
            keys.Session(conversationKey),
            expectedVersion,
            expectedVersion + 1,
            DialogStateSerializer.Serialize(session.State),
            Metadata(session),
            _idleTimeoutMilliseconds);
        var result = await connection.GetDatabase().ScriptEvaluateAsync(SaveScript, parameters);
        return (int)result == 1;
    }

    public async Task<SaveOutcome> TrySaveAsync(string conversationKey, StoredSession session, long expectedVersion, MessageIdentity causedBy, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationKey);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        ArgumentException.ThrowIfNullOrEmpty(causedBy.ChannelId);
        ArgumentException.ThrowIfNullOrEmpty(causedBy.MessageId);

        var parameters = new SaveOnceParameters(
            keys.Session(conversationKey),
            keys.Dedupe(conversationKey, causedBy.MessageId),
            keys.Inbox(conversationKey),
            RedisTurnInbox.EntryField(causedBy.MessageId),
            expectedVersion,
            expectedVersion + 1,
            DialogStateSerializer.Serialize(session.State),
            Metadata(session),
            _idleTimeoutMilliseconds,
            _dedupeWindowMilliseconds);
        var result = (int)await connection.GetDatabase().ScriptEvaluateAsync(SaveOnceScript, parameters);
        return result switch
        {
            1 => SaveOutcome.Saved,
            2 => SaveOutcome.Duplicate,
            _ => SaveOutcome.Conflict,
        };
    }

    public async Task<bool> AdmitAsync(string conversationKey, MessageIdentity causedBy, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationKey);
        ArgumentException.ThrowIfNullOrEmpty(causedBy.MessageId);
        var parameters = new AdmitParameters(
            keys.Dedupe(conversationKey, causedBy.MessageId),
            keys.Inbox(conversationKey),
            RedisTurnInbox.EntryField(causedBy.MessageId),
            _dedupeWindowMilliseconds);
        return (int)await connection.GetDatabase().ScriptEvaluateAsync(AdmitScript, parameters) == 1;
    }

    public async Task DeleteAsync(string conversationKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationKey);
        await connection.GetDatabase().KeyDeleteAsync(keys.Session(conversationKey)).WaitAsync(cancellationToken);
    }

    private static byte[] Metadata(StoredSession session) =>
        JsonSerializer.SerializeToUtf8Bytes(new SessionMetadata(session.Address, session.OptedOut, session.UpdatedAt), RedisJsonContext.Default.SessionMetadata);

    // LuaScript binds @Key, @Expected… to these properties by name (RedisKey → KEYS[], the rest → ARGV[]).
    private sealed record SaveOnceParameters(RedisKey Key, RedisKey Dedupe, RedisKey Inbox, RedisValue InboxField, long Expected, long Version, byte[] State, byte[] Metadata, long TtlMilliseconds, long DedupeMilliseconds);

    private sealed record LoadOnceParameters(RedisKey Key, RedisKey Dedupe);

    private sealed record AdmitParameters(RedisKey Dedupe, RedisKey Inbox, RedisValue InboxField, long DedupeMilliseconds);

    private sealed record SaveParameters(RedisKey Key, long Expected, long Version, byte[] State, byte[] Metadata, long TtlMilliseconds);
}
