using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChatFeedback.Adapters;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatFeedback.Bot.Sessions;

/// <summary>
/// The turn inbox in Redis, shared by every instance: one hash per conversation at <see cref="RedisKeys.Inbox"/>, with
/// field <c>n</c> (arrival counter) and one field <c>m:&lt;message id&gt;</c> per waiting message holding
/// <c>&lt;counter&gt;|&lt;message JSON&gt;</c>. The key expires <see cref="SessionsOptions.DedupeWindow"/> after the last
/// add: older than that, a message could no longer be told from its redelivery. Add is one EVALSHA, which also reads
/// the conversation's session when nothing else is waiting (<see cref="ITurnInbox.AddAsync"/>); the removal on the
/// normal path runs inside <see cref="RedisSessionStore"/>'s save script (<see cref="RemoveEntryLua"/>), at no extra
/// round trip. The hash shares the conversation's hash tag with its session, so that script stays in one cluster slot.
/// </summary>
public sealed partial class RedisTurnInbox(
    IConnectionMultiplexer connection,
    RedisKeys keys,
    IOptions<SessionsOptions> options,
    ILogger<RedisTurnInbox> logger) : ITurnInbox
{
    /// <summary>Keys per SCAN page while recovering.</summary>
    internal const int ScanPageSize = 250;

    private const byte Separator = (byte)'|';
    private const string EntryPrefix = "m:";

    /// <summary>
    /// Removes entry <c>@InboxField</c> of hash <c>@Inbox</c>, and the hash once only its counter is left (HDEL of the
    /// last field deletes the key). Shared with the session store's save script, which binds the same two names.
    /// </summary>
    internal const string RemoveEntryLua = """
        if redis.call('HDEL', @Inbox, @InboxField) == 1 and redis.call('HLEN', @Inbox) == 1 then
          redis.call('HDEL', @Inbox, 'n')
        end

        """;

    // A redelivery of a message still waiting writes nothing (and keeps its place in the arrival order). When the entry
    // is the only one (the hash holds it and the counter), the session follows: nothing queued before it can change it.
    private static readonly LuaScript AddScript = LuaScript.Prepare($$"""
        if redis.call('HEXISTS', @Inbox, @InboxField) == 1 then
          return { 0 }
        end
        local n = redis.call('HINCRBY', @Inbox, 'n', 1)
        redis.call('HSET', @Inbox, @InboxField, n .. '|' .. @Entry)
        redis.call('PEXPIRE', @Inbox, @TtlMilliseconds)
        if redis.call('HLEN', @Inbox) ~= 2 then
          return { 1 }
        end
        return { 1, {{RedisSessionStore.LoadOnceLua}} }
        """);

    private static readonly LuaScript RemoveScript = LuaScript.Prepare(RemoveEntryLua + "return 1");

    private readonly long _ttlMilliseconds = (long)options.Value.DedupeWindow.TotalMilliseconds;

    public bool IsDurable => true;

    /// <summary>The hash field a message is kept under.</summary>
    internal static RedisValue EntryField(string messageId) => EntryPrefix + messageId;

    public async ValueTask<InboxAddition> AddAsync(InboundMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var conversationKey = message.Conversation.Key;
        var entry = JsonSerializer.SerializeToUtf8Bytes(InboxEntry.From(message), RedisJsonContext.Default.InboxEntry);
        var session = keys.Session(conversationKey);
        var parameters = new AddParameters(
            keys.Inbox(conversationKey), session, keys.Dedupe(conversationKey, message.MessageId), EntryField(message.MessageId), entry, _ttlMilliseconds);
        var result = (RedisResult[])(await connection.GetDatabase().ScriptEvaluateAsync(AddScript, parameters))!;
        if ((int)result[0] != 1)
        {
            return new InboxAddition(false, null);
        }

        if (result.Length == 1)
        {
            return new InboxAddition(true, null);
        }

        try
        {
            return new InboxAddition(true, RedisSessionStore.ReadLoaded(session, result, 1));
        }
        catch (Exception ex) when (ex is InvalidDataException or JsonException)
        {
            // Kept all the same; the turn loads the session itself and reports what is wrong with it.
            return new InboxAddition(true, null);
        }
    }

    public async ValueTask RemoveAsync(string conversationKey, string messageId)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationKey);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        await RemoveAsync(keys.Inbox(conversationKey), EntryField(messageId));
    }

    public async IAsyncEnumerable<InboundMessage> PendingAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var database = connection.GetDatabase();
        var pattern = EscapeGlob(keys.Prefix) + "inbox:*";
        // SCAN (not KEYS) on every primary: on a cluster each holds its own slots' keys; a replica holds copies.
        foreach (var server in connection.GetServers())
        {
            if (!server.IsConnected)
            {
                // Its keys cannot be read now (nor its slots written): they wait for the next start.
                LogServerSkipped(server.EndPoint.ToString() ?? "?");
                continue;
            }

            if (server.IsReplica)
            {
                continue;
            }

            await foreach (var key in server.KeysAsync(database.Database, pattern, ScanPageSize).WithCancellation(cancellationToken))
            {
                var fields = await database.HashGetAllAsync(key).WaitAsync(cancellationToken);
                var entries = new List<(long Counter, InboundMessage Message)>(fields.Length);
                foreach (var field in fields)
                {
                    if (!field.Name.StartsWith(EntryPrefix))
                    {
                        continue; // the counter
                    }

                    if (Read(field.Value) is { } entry)
                    {
                        entries.Add(entry);
                        continue;
                    }

                    LogUnreadable(key.ToString(), field.Name.ToString());
                    await RemoveAsync(key, field.Name);
                }

                foreach (var (_, message) in entries.OrderBy(e => e.Counter))
                {
                    yield return message;
                }
            }
        }
    }

    private async Task RemoveAsync(RedisKey inbox, RedisValue field) =>
        await connection.GetDatabase().ScriptEvaluateAsync(RemoveScript, new RemoveParameters(inbox, field));

    /// <summary><c>&lt;counter&gt;|&lt;JSON&gt;</c>, or null when the value is not that.</summary>
    private static (long Counter, InboundMessage Message)? Read(RedisValue value)
    {
        ReadOnlySpan<byte> bytes = (byte[]?)value;
        var separator = bytes.IndexOf(Separator);
        if (separator <= 0 || !Utf8Parser.TryParse(bytes[..separator], out long counter, out var consumed) || consumed != separator)
        {
            return null;
        }

        try
        {
            var entry = JsonSerializer.Deserialize(bytes[(separator + 1)..], RedisJsonContext.Default.InboxEntry);
            return entry?.ToMessage() is { } message ? (counter, message) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // SCAN MATCH is a glob: the prefix is taken literally.
    private static string EscapeGlob(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    [LoggerMessage(LogLevel.Warning, "Turn inbox recovery skipped Redis server {Endpoint}: not connected; its entries wait for the next start")]
    private partial void LogServerSkipped(string endpoint);

    [LoggerMessage(LogLevel.Error, "Turn inbox entry {Field} of {Key} cannot be read; removed it, its message is not processed")]
    private partial void LogUnreadable(string key, string field);

    // LuaScript binds @Inbox, @InboxField… to these properties by name (RedisKey → KEYS[], the rest → ARGV[]).
    // @Key and @Dedupe are the names RedisSessionStore.LoadOnceLua reads the session and the message's dedupe key by.
    private sealed record AddParameters(RedisKey Inbox, RedisKey Key, RedisKey Dedupe, RedisValue InboxField, byte[] Entry, long TtlMilliseconds);

    private sealed record RemoveParameters(RedisKey Inbox, RedisValue InboxField);
}

/// <summary>
/// An <see cref="InboundMessage"/> as the turn inbox keeps it: everything but the live webhook waiter
/// (<see cref="Interaction.Inline"/>); a recovered press is answered through the channel's API instead.
/// </summary>
internal sealed record InboxEntry(
    string? MessageId,
    ConversationAddress? Conversation,
    [property: JsonConverter(typeof(JsonStringEnumConverter<InboundKind>))] InboundKind Kind,
    string? Text,
    ButtonPress? Button,
    string? Locale,
    DateTimeOffset ReceivedAt,
    InboxInteraction? Interaction,
    string? StartToken,
    string? MovedTo,
    string? StartFlowId)
{
    public static InboxEntry From(InboundMessage message) => new(
        message.MessageId,
        message.Conversation,
        message.Kind,
        message.Text,
        message.Button,
        message.Locale,
        message.ReceivedAt,
        message.Interaction is { } i ? new InboxInteraction(i.Id, i.SourceMessageId, i.SourceText, i.ChosenLabel) : null,
        message.StartToken,
        message.MovedTo,
        message.StartFlowId);

    /// <summary>The message, or null when the entry lacks what every message has.</summary>
    public InboundMessage? ToMessage() =>
        string.IsNullOrEmpty(MessageId) || Conversation is null || string.IsNullOrEmpty(Conversation.ChannelId) || string.IsNullOrEmpty(Conversation.ConversationId)
            ? null
            : new InboundMessage(MessageId, Conversation, Kind, Text, Button, Locale, ReceivedAt)
            {
                Interaction = Interaction is { } i ? new Interaction(i.Id, i.SourceMessageId, i.SourceText, i.ChosenLabel) : null,
                StartToken = StartToken,
                MovedTo = MovedTo,
                StartFlowId = StartFlowId,
            };
}

internal sealed record InboxInteraction(string Id, string? SourceMessageId, string? SourceText, string? ChosenLabel);
