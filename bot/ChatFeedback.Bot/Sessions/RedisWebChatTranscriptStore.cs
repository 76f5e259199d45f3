using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ChatFeedback.Adapters;
using ChatFeedback.Adapters.WebChat;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatFeedback.Bot.Sessions;

/// <summary>
/// Web chat transcripts shared by every instance, so a browser may post to one instance and read or stream from
/// another, and a restart loses no conversation. Per conversation, under one hash tag:
/// <list type="bullet">
/// <item><see cref="RedisKeys.WebChatConversation"/>: hash <c>locale</c>, <c>created</c> (Unix ms), <c>seq</c> (last message);</item>
/// <item><see cref="RedisKeys.WebChatLog"/>: list of <c>"{seq} {json}"</c>, trimmed to <c>WebChat:MaxMessagesPerConversation</c>.</item>
/// </list>
/// Both expire after <c>WebChat:ConversationIdleTimeout</c> without activity (Redis's clock decides). An append
/// publishes the conversation id on <see cref="RedisKeys.WebChatWake"/>, which wakes the watchers of every instance;
/// a watcher also looks again every <see cref="WatchPollInterval"/>, in case a wake-up was lost in a reconnect.
/// <c>WebChat:MaxConversations</c> is kept approximately, by a sorted set of conversations with customer activity
/// within the idle timeout (<see cref="RedisKeys.WebChatOpen"/>).
/// </summary>
public sealed class RedisWebChatTranscriptStore : IWebChatTranscriptStore
{
    /// <summary>How long a watcher waits for a wake-up before it reads anyway.</summary>
    public static readonly TimeSpan WatchPollInterval = TimeSpan.FromSeconds(10);

    // KEYS: conversation hash, log. ARGV: locale ("" = none), created (Unix ms), idle timeout (ms).
    private static readonly LuaScript CreateScript = LuaScript.Prepare("""
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], 'locale', ARGV[1], 'created', ARGV[2], 'seq', 0)
        redis.call('DEL', KEYS[2])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return 1
        """);

    // KEYS: conversation hash, log. ARGV: idle timeout (ms). Returns 1 when the conversation is live.
    private static readonly LuaScript TouchScript = LuaScript.Prepare("""
        if redis.call('PEXPIRE', KEYS[1], ARGV[1]) == 0 then return 0 end
        redis.call('PEXPIRE', KEYS[2], ARGV[1])
        return 1
        """);

    // KEYS: conversation hash, log. ARGV: entry JSON, max entries, idle timeout (ms), wake channel, conversation id.
    // Returns the entry's seq, or 0 when the conversation is unknown or expired.
    private static readonly LuaScript AppendScript = LuaScript.Prepare("""
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
        redis.call('RPUSH', KEYS[2], seq .. ' ' .. ARGV[1])
        redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        redis.call('PEXPIRE', KEYS[2], ARGV[3])
        redis.call('PUBLISH', ARGV[4], ARGV[5])
        return seq
        """);

    // KEYS: conversation hash, log. ARGV: after seq. Returns the log items after that seq (the log holds the last
    // entries, numbered without gaps, so their positions follow from the last seq), or nil when the conversation is unknown.
    private static readonly LuaScript ReadScript = LuaScript.Prepare("""
        local last = redis.call('HGET', KEYS[1], 'seq')
        if not last then return false end
        local start = tonumber(ARGV[1]) - (tonumber(last) - redis.call('LLEN', KEYS[2]) + 1) + 1
        if start < 0 then start = 0 end
        return redis.call('LRANGE', KEYS[2], start, -1)
        """);

    private readonly IConnectionMultiplexer _connection;
    private readonly RedisKeys _keys;
    private readonly TimeProvider _timeProvider;
    private readonly WebChatOptions _options;
    private readonly Lock _watchersGate = new();
    private readonly Dictionary<string, List<TaskCompletionSource>> _watchers = new(StringComparer.Ordinal);
    private readonly Lazy<Task> _subscribed;

    public RedisWebChatTranscriptStore(IConnectionMultiplexer connection, RedisKeys keys, TimeProvider timeProvider, IOptions<WebChatOptions> options)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(options);
        _connection = connection;
        _keys = keys;
        _timeProvider = timeProvider;
        _options = options.Value;
        _subscribed = new Lazy<Task>(SubscribeAsync);
    }

    private IDatabase Database => _connection.GetDatabase();

    private long IdleMilliseconds => (long)_options.ConversationIdleTimeout.TotalMilliseconds;

    public async ValueTask<WebChatConversation?> CreateAsync(string conversationId, string? locale, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        var now = _timeProvider.GetUtcNow();
        var open = _keys.WebChatOpen;
        var batch = Database.CreateBatch();
        var swept = batch.SortedSetRemoveRangeByScoreAsync(open, double.NegativeInfinity, now.ToUnixTimeMilliseconds());
        var count = batch.SortedSetLengthAsync(open);
        batch.Execute();
        await swept.WaitAsync(cancellationToken);
        if (await count.WaitAsync(cancellationToken) >= _options.MaxConversations)
        {
            return null;
        }

        var created = (long)await Database.ScriptEvaluateAsync(
            CreateScript.ExecutableScript,
            [_keys.WebChatConversation(conversationId), _keys.WebChatLog(conversationId)],
            [locale ?? "", now.ToUnixTimeMilliseconds(), IdleMilliseconds]).WaitAsync(cancellationToken);
        if (created == 0)
        {
            throw new InvalidOperationException($"Web chat conversation '{conversationId}' already exists.");
        }

        await Database.SortedSetAddAsync(open, conversationId, ExpiryScore(now)).WaitAsync(cancellationToken);
        return new WebChatConversation(conversationId, locale, DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()));
    }

    public async ValueTask<WebChatConversation?> FindAsync(string conversationId, CancellationToken cancellationToken)
    {
        var fields = await Database.HashGetAsync(_keys.WebChatConversation(conversationId), ["locale", "created"]).WaitAsync(cancellationToken);
        if (fields[1].IsNull)
        {
            return null;
        }

        var locale = (string?)fields[0];
        return new WebChatConversation(conversationId, string.IsNullOrEmpty(locale) ? null : locale, DateTimeOffset.FromUnixTimeMilliseconds((long)fields[1]));
    }

    public async ValueTask<bool> TouchAsync(string conversationId, CancellationToken cancellationToken)
    {
        var live = (long)await Database.ScriptEvaluateAsync(
            TouchScript.ExecutableScript,
            [_keys.WebChatConversation(conversationId), _keys.WebChatLog(conversationId)],
            [IdleMilliseconds]).WaitAsync(cancellationToken);
        if (live == 0)
        {
            return false;
        }

        // The count of open conversations only bounds creation: it need not wait, and a lost update costs nothing.
        Database.SortedSetAdd(_keys.WebChatOpen, conversationId, ExpiryScore(_timeProvider.GetUtcNow()), CommandFlags.FireAndForget);
        return true;
    }

    public async ValueTask RemoveAsync(string conversationId, CancellationToken cancellationToken)
    {
        var batch = Database.CreateBatch();
        var deleted = batch.KeyDeleteAsync([_keys.WebChatConversation(conversationId), _keys.WebChatLog(conversationId)]);
        var left = batch.SortedSetRemoveAsync(_keys.WebChatOpen, conversationId);
        var woken = batch.PublishAsync(RedisChannel.Literal(_keys.WebChatWake), conversationId);
        batch.Execute();
        await Task.WhenAll(deleted, left, woken).WaitAsync(cancellationToken);
    }

    public async ValueTask<WebChatTranscriptEntry?> AppendAsync(string conversationId, OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var sentAt = DateTimeOffset.FromUnixTimeMilliseconds(_timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        var json = JsonSerializer.Serialize(new StoredTranscriptEntry(sentAt, message), RedisJsonContext.Default.StoredTranscriptEntry);
        var seq = (long)await Database.ScriptEvaluateAsync(
            AppendScript.ExecutableScript,
            [_keys.WebChatConversation(conversationId), _keys.WebChatLog(conversationId)],
            [json, _options.MaxMessagesPerConversation, IdleMilliseconds, _keys.WebChatWake, conversationId]).WaitAsync(cancellationToken);
        return seq == 0 ? null : new WebChatTranscriptEntry(seq, message, sentAt);
    }

    public async ValueTask<IReadOnlyList<WebChatTranscriptEntry>?> ReadAfterAsync(string conversationId, long afterSeq, CancellationToken cancellationToken)
    {
        var items = await Database.ScriptEvaluateAsync(
            ReadScript.ExecutableScript,
            [_keys.WebChatConversation(conversationId), _keys.WebChatLog(conversationId)],
            [Math.Max(afterSeq, 0)]).WaitAsync(cancellationToken);
        if (items.IsNull)
        {
            return null;
        }

        var entries = new List<WebChatTranscriptEntry>();
        foreach (var item in (RedisValue[])items!)
        {
            var entry = Parse(item);
            if (entry.Seq > afterSeq)
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    public async IAsyncEnumerable<WebChatTranscriptEntry> WatchAsync(
        string conversationId,
        long afterSeq,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await _subscribed.Value.WaitAsync(cancellationToken);
        var last = afterSeq;
        while (!cancellationToken.IsCancellationRequested)
        {
            // Listening before reading: an append between the read and the wait still wakes this watcher.
            var woken = Listen(conversationId);
            try
            {
                IReadOnlyList<WebChatTranscriptEntry>? batch;
                try
                {
                    batch = await ReadAfterAsync(conversationId, last, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }

                if (batch is null)
                {
                    yield break;
                }

                foreach (var entry in batch)
                {
                    yield return entry;
                    last = entry.Seq;
                }

                if (batch.Count == 0 && !await WaitAsync(woken.Task, cancellationToken))
                {
                    yield break;
                }
            }
            finally
            {
                StopListening(conversationId, woken);
            }
        }
    }

    private async Task<bool> WaitAsync(Task woken, CancellationToken cancellationToken)
    {
        try
        {
            await woken.WaitAsync(WatchPollInterval, _timeProvider, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Nothing heard: read anyway.
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        return true;
    }

    private Task SubscribeAsync() =>
        _connection.GetSubscriber().SubscribeAsync(RedisChannel.Literal(_keys.WebChatWake), (_, conversationId) => Wake((string)conversationId!));

    private TaskCompletionSource Listen(string conversationId)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_watchersGate)
        {
            if (!_watchers.TryGetValue(conversationId, out var signals))
            {
                _watchers[conversationId] = signals = [];
            }

            signals.Add(signal);
        }

        return signal;
    }

    private void StopListening(string conversationId, TaskCompletionSource signal)
    {
        lock (_watchersGate)
        {
            if (_watchers.TryGetValue(conversationId, out var signals) && signals.Remove(signal) && signals.Count == 0)
            {
                _watchers.Remove(conversationId);
            }
        }
    }

    private void Wake(string conversationId)
    {
        List<TaskCompletionSource>? signals;
        lock (_watchersGate)
        {
            _watchers.Remove(conversationId, out signals);
        }

        foreach (var signal in signals ?? [])
        {
            signal.TrySetResult();
        }
    }

    private double ExpiryScore(DateTimeOffset now) => (now + _options.ConversationIdleTimeout).ToUnixTimeMilliseconds();

    private static WebChatTranscriptEntry Parse(RedisValue item)
    {
        // Only the append script writes the log: anything else in it is a fault to report, not to skip.
        var text = (string)item!;
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || !long.TryParse(text.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
            || JsonSerializer.Deserialize(text.AsSpan(space + 1), RedisJsonContext.Default.StoredTranscriptEntry) is not { } stored)
        {
            throw new InvalidDataException($"A web chat transcript entry in Redis is not in the form the append script writes: '{text[..Math.Min(text.Length, 80)]}'.");
        }

        return new WebChatTranscriptEntry(seq, stored.Message, stored.SentAt);
    }

}

/// <summary>One transcript entry as stored (its seq is the list item's prefix, given by the append script).</summary>
internal sealed record StoredTranscriptEntry(DateTimeOffset SentAt, OutboundMessage Message);
