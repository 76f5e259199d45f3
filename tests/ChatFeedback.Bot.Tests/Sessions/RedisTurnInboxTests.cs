using ChatFeedback.Adapters;
using ChatFeedback.Bot.Sessions;
using ChatFeedback.Bot.Tests.Support;
using ChatFeedback.Dialogs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatFeedback.Bot.Tests.Sessions;

[Collection(RedisTestGroup.Name)]
public sealed class RedisTurnInboxTests(RedisServerFixture redis) : RedisTurnInboxTestBase(redis);

/// <summary>The same on a Redis Cluster: recovery scans every primary, and the save script clears the inbox in one slot.</summary>
[Collection(RedisClusterTestGroup.Name)]
public sealed class RedisClusterTurnInboxTests(RedisClusterFixture redis) : RedisTurnInboxTestBase(redis);

public sealed class InProcessTurnInboxTests
{
    [Fact]
    public async Task KeepsNothingAndReportsEveryAddAsNew()
    {
        var inbox = new InProcessTurnInbox();
        var message = InboundMessage.FromText("1", new ConversationAddress("test", "c"), "hi", "en", DateTimeOffset.UnixEpoch);

        Assert.False(inbox.IsDurable);
        Assert.True((await inbox.AddAsync(message)).Added);
        Assert.True((await inbox.AddAsync(message)).Added);
        Assert.Empty(await inbox.PendingAsync(TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken));
    }
}

/// <summary>The turn inbox's promises on a real Redis: what is added is pending until its turn ends, in arrival order.</summary>
public abstract class RedisTurnInboxTestBase(RedisServerFixture redis)
{
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan DedupeWindow = TimeSpan.FromHours(6);
    private readonly RedisKeys _keys = RedisServerFixture.NewKeys();
    private readonly LogCollector<RedisTurnInbox> _log = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private RedisTurnInbox CreateInbox(IConnectionMultiplexer? connection = null) =>
        new(connection ?? redis.Connection, _keys, Options.Create(new SessionsOptions { DedupeWindow = DedupeWindow }), _log);

    private RedisSessionStore CreateSessions() =>
        new(redis.Connection, _keys, Options.Create(new SessionsOptions { DedupeWindow = DedupeWindow }));

    private static ConversationAddress NewConversation() => new("test", Guid.NewGuid().ToString("N"), "user-1");

    private static InboundMessage Text(ConversationAddress to, string id, string text = "hello") => InboundMessage.FromText(id, to, text, "en", Now);

    // Only this test's keys (its own prefix): other tests on the same server keep their own inboxes.
    private static async Task<List<InboundMessage>> PendingAsync(RedisTurnInbox inbox) =>
        await inbox.PendingAsync(Ct).ToListAsync(Ct);

    [Fact]
    public async Task AddedMessagesArePendingInArrivalOrderPerConversationWithEverythingButTheWebhookWaiter()
    {
        var inbox = CreateInbox();
        var (a, b) = (NewConversation(), NewConversation());
        var press = InboundMessage.FromButton("a-2", a, new ButtonPress("q1", "5"), "zh-CN", Now.AddSeconds(1)) with
        {
            Interaction = new Interaction("cb-1", "77", "How was it?", "Very good") { Inline = new InlineAnswer() },
        };
        var scheduled = InboundMessage.Scheduled("invitation:9", b, "post-purchase-survey", "en", Now) with { StartToken = "tok" };
        var moved = new InboundMessage("a-3", a, InboundKind.ConversationMoved, null, null, null, Now) { MovedTo = "new-id" };
        // Ids chosen so that no hash or name order matches the arrival order.
        var arrivals = new[] { Text(a, "a-9"), Text(b, "b-5"), press, scheduled, moved, Text(a, "a-1", "last") };

        foreach (var message in arrivals)
        {
            Assert.True((await inbox.AddAsync(message)).Added);
        }

        var pending = await PendingAsync(inbox);
        var expected = arrivals.Select(m => m.Interaction is { } i ? m with { Interaction = i with { Inline = null } } : m).ToList();
        Assert.Equal(expected.Where(m => m.Conversation == a), pending.Where(m => m.Conversation == a));
        Assert.Equal(expected.Where(m => m.Conversation == b), pending.Where(m => m.Conversation == b));
        Assert.Equal(arrivals.Length, pending.Count);
    }

    [Fact]
    public async Task ARedeliveredAddWritesNothingAndKeepsThePlaceOfTheFirst()
    {
        var inbox = CreateInbox();
        var to = NewConversation();
        await inbox.AddAsync(Text(to, "1", "first"));
        await inbox.AddAsync(Text(to, "2"));

        Assert.False((await inbox.AddAsync(Text(to, "1", "again"))).Added);

        Assert.Equal(["first", "hello"], (await PendingAsync(inbox)).Select(m => m.Text));
        Assert.Equal(2, (long)await redis.Connection.GetDatabase().HashGetAsync(_keys.Inbox(to.Key), "n"));
    }

    [Fact]
    public async Task TheInboxKeyExpiresAfterTheDedupeWindowAndSharesTheSessionsHashSlot()
    {
        var inbox = CreateInbox();
        var to = NewConversation();
        await inbox.AddAsync(Text(to, "1"));

        var ttl = await redis.Connection.GetDatabase().KeyTimeToLiveAsync(_keys.Inbox(to.Key));
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, DedupeWindow - TimeSpan.FromMinutes(1), DedupeWindow);
        Assert.Equal($"{_keys.Prefix}inbox:{{{to.Key}}}", (string?)_keys.Inbox(to.Key));
        Assert.Equal(redis.Connection.HashSlot(_keys.Session(to.Key)), redis.Connection.HashSlot(_keys.Inbox(to.Key)));
    }

    [Fact]
    public async Task TheTurnsSaveRemovesItsEntryAndTheKeyGoesWithTheLastOne()
    {
        var (inbox, sessions) = (CreateInbox(), CreateSessions());
        var to = NewConversation();
        await inbox.AddAsync(Text(to, "1"));
        await inbox.AddAsync(Text(to, "2"));

        Assert.Equal(SaveOutcome.Saved, await sessions.TrySaveAsync(to.Key, Session(to), 0, new MessageIdentity("test", "1"), Ct));
        Assert.Equal(["2"], (await PendingAsync(inbox)).Select(m => m.MessageId));

        Assert.Equal(SaveOutcome.Saved, await sessions.TrySaveAsync(to.Key, Session(to), 1, new MessageIdentity("test", "2"), Ct));
        Assert.False(await redis.Connection.GetDatabase().KeyExistsAsync(_keys.Inbox(to.Key)));
    }

    [Fact]
    public async Task ASaveRefusedAsDuplicateRemovesTheEntryButAConflictKeepsIt()
    {
        var (inbox, sessions) = (CreateInbox(), CreateSessions());
        var to = NewConversation();
        var message = new MessageIdentity("test", "1");
        await sessions.TrySaveAsync(to.Key, Session(to), 0, message, Ct);

        // The same message again (a redelivery accepted after its turn was saved).
        await inbox.AddAsync(Text(to, "1"));
        Assert.Equal(SaveOutcome.Conflict, await sessions.TrySaveAsync(to.Key, Session(to), 0, new MessageIdentity("test", "other"), Ct));
        await inbox.AddAsync(Text(to, "other"));
        Assert.Equal(SaveOutcome.Conflict, await sessions.TrySaveAsync(to.Key, Session(to), 0, new MessageIdentity("test", "other"), Ct));
        Assert.Equal(["1", "other"], (await PendingAsync(inbox)).Select(m => m.MessageId));

        Assert.Equal(SaveOutcome.Duplicate, await sessions.TrySaveAsync(to.Key, Session(to), 1, message, Ct));
        Assert.Equal(["other"], (await PendingAsync(inbox)).Select(m => m.MessageId));
    }

    [Fact]
    public async Task RemoveForgetsOneEntryAndTheKeyOnceNoneIsLeft()
    {
        var inbox = CreateInbox();
        var to = NewConversation();
        await inbox.AddAsync(Text(to, "1"));
        await inbox.AddAsync(Text(to, "2"));

        await inbox.RemoveAsync(to.Key, "2");
        await inbox.RemoveAsync(to.Key, "never-added");
        Assert.Equal(["1"], (await PendingAsync(inbox)).Select(m => m.MessageId));

        await inbox.RemoveAsync(to.Key, "1");
        Assert.False(await redis.Connection.GetDatabase().KeyExistsAsync(_keys.Inbox(to.Key)));
        Assert.Empty(await PendingAsync(inbox));
    }

    [Fact]
    public async Task AnEntryThatCannotBeReadIsReportedWithItsKeyAndFieldAndRemoved()
    {
        var inbox = CreateInbox();
        var to = NewConversation();
        await inbox.AddAsync(Text(to, "good"));
        var key = _keys.Inbox(to.Key);
        var database = redis.Connection.GetDatabase();
        await database.HashSetAsync(key, [
            new HashEntry("m:no-counter", "{\"messageId\":\"x\"}"),
            new HashEntry("m:bad-json", "7|{not json"),
            new HashEntry("m:no-conversation", "8|{\"messageId\":\"y\",\"kind\":\"Text\"}"),
            new HashEntry("m:unknown-kind", "9|{\"messageId\":\"z\",\"conversation\":{\"channelId\":\"test\",\"conversationId\":\"c\"},\"kind\":\"Telepathy\"}"),
        ]);

        var pending = await PendingAsync(inbox);

        Assert.Equal(["good"], pending.Select(m => m.MessageId));
        Assert.Equal(["m:bad-json", "m:no-conversation", "m:no-counter", "m:unknown-kind"], _log.Errors.Select(e => e.Field).Order(StringComparer.Ordinal));
        Assert.All(_log.Errors, e => Assert.Equal((string?)key, e.Key));
        Assert.Equal(["m:good", "n"], (await database.HashKeysAsync(key)).Select(f => (string)f!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AddIsOneRoundTrip()
    {
        await using var instance = await redis.ConnectAsync();
        var inbox = CreateInbox(instance);
        var to = NewConversation();
        await inbox.AddAsync(Text(to, "warm-up")); // the script is known on this connection from now on

        var before = instance.GetServers().Sum(server => server.GetCounters().Interactive.OperationCount);
        Assert.True((await inbox.AddAsync(Text(to, "1"))).Added);
        var after = instance.GetServers().Sum(server => server.GetCounters().Interactive.OperationCount);

        Assert.Equal(1, after - before);
    }

    [Fact]
    public async Task AnAddWithNothingElseWaitingReadsTheSessionAndAnyOtherAddDoesNot()
    {
        var (inbox, sessions) = (CreateInbox(), CreateSessions());
        var to = NewConversation();
        Assert.Equal(new LoadedSession(null, false), (await inbox.AddAsync(Text(to, "1"))).Loaded); // no session yet

        await sessions.TrySaveAsync(to.Key, Session(to), 0, new MessageIdentity("test", "1"), Ct);
        var first = await inbox.AddAsync(Text(to, "2"));
        Assert.Equal((1L, "en", true), (first.Loaded?.Session?.Version, first.Loaded?.Session?.State.Locale, first.Loaded?.Session?.State.IsIdle));
        Assert.False(first.Loaded?.AlreadyHandled);

        // Another message waits behind it: what it would read could change before its turn.
        Assert.Equal(new InboxAddition(true, null), await inbox.AddAsync(Text(to, "3")));

        // A redelivery of a message whose turn was saved is reported, as the turn's own load would.
        var other = NewConversation();
        await sessions.TrySaveAsync(other.Key, Session(other), 0, new MessageIdentity("test", "4"), Ct);
        Assert.True((await inbox.AddAsync(Text(other, "4"))).Loaded?.AlreadyHandled);
    }

    private static StoredSession Session(ConversationAddress to) => new(DialogState.Idle("en"), to, 0, false, Now);
}

/// <summary>Collects a logger's error events with their <c>Key</c> and <c>Field</c> values.</summary>
internal sealed class LogCollector<T> : ILogger<T>
{
    private readonly Lock _gate = new();
    private readonly List<(string? Key, string? Field)> _errors = [];

    public IReadOnlyList<(string? Key, string? Field)> Errors
    {
        get
        {
            lock (_gate)
            {
                return [.. _errors];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel < LogLevel.Error || state is not IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            return;
        }

        lock (_gate)
        {
            _errors.Add((values.FirstOrDefault(v => v.Key == "Key").Value as string, values.FirstOrDefault(v => v.Key == "Field").Value as string));
        }
    }
}
