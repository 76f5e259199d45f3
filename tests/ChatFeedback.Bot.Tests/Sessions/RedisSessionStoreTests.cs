using ChatFeedback.Bot.Sessions;
using ChatFeedback.Bot.Tests.Support;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatFeedback.Bot.Tests.Sessions;

[Collection(RedisTestGroup.Name)]
public sealed class RedisSessionStoreTests(RedisServerFixture redis) : RedisSessionStoreTestBase(redis);

/// <summary>
/// The same on a Redis Cluster, which refuses a script whose keys hash to different slots: a turn's load and save
/// touch the session and the message's dedupe key together, so both must carry the conversation's hash tag.
/// </summary>
[Collection(RedisClusterTestGroup.Name)]
public sealed class RedisClusterSessionStoreTests(RedisClusterFixture redis) : RedisSessionStoreTestBase(redis)
{
    [Fact]
    public async Task TheServerIsAClusterThatRefusesKeysInDifferentSlots()
    {
        // What the store's scripts met before the keys shared a hash tag: without this the tests above prove nothing.
        var keys = RedisServerFixture.NewKeys();
        var conversation = NewKey();
        var database = redis.Connection.GetDatabase();
        RedisKey[] apart = [$"{keys.Prefix}session:{conversation}", $"{keys.Prefix}dedupe:test:{Guid.NewGuid():N}"];
        var server = redis.Connection.GetServers()[0];
        Assert.Equal(ServerType.Cluster, server.ServerType);
        Assert.NotEqual(await SlotAsync(server, apart[0]), await SlotAsync(server, apart[1]));
        // Refused by the client (it knows the slots) or by the server (CROSSSLOT): either way, never run.
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => database.ScriptEvaluateAsync("return redis.call('EXISTS', KEYS[1], KEYS[2])", apart));
        Assert.Contains("slot", refused.Message, StringComparison.OrdinalIgnoreCase);

        RedisKey[] together = [keys.Session(conversation), keys.Dedupe(conversation, Guid.NewGuid().ToString("N"))];
        Assert.Equal(await SlotAsync(server, together[0]), await SlotAsync(server, together[1]));
        Assert.Equal(0, (int)await database.ScriptEvaluateAsync("return redis.call('EXISTS', KEYS[1], KEYS[2])", together));
    }

    // The server's own hashing, not the client's copy of it.
    private static async Task<long> SlotAsync(IServer server, RedisKey key) => (long)await server.ExecuteAsync("CLUSTER", "KEYSLOT", (string)key!);
}

/// <summary>The session store contract and the Redis store's own promises, on whichever server the fixture gives.</summary>
public abstract class RedisSessionStoreTestBase(RedisServerFixture redis) : SessionStoreContractTests
{
    private readonly RedisKeys _keys = RedisServerFixture.NewKeys();

    protected override ISessionStore CreateStore() => CreateStore(redis.Connection);

    protected override async Task ElapseAsync(string conversationKey, TimeSpan elapsed)
    {
        await base.ElapseAsync(conversationKey, elapsed);
        await redis.AgeKeyAsync(_keys.Session(conversationKey), elapsed);
    }

    private RedisSessionStore CreateStore(IConnectionMultiplexer connection) =>
        new(connection, _keys, Options.Create(new SessionsOptions { IdleTimeout = IdleTimeout }));

    [Fact]
    public async Task SavedSessionKeyExpiresAfterTheIdleTimeout()
    {
        var store = CreateStore();
        var key = NewKey();

        await store.TrySaveAsync(key, Session(key), 0, Ct);

        var ttl = await redis.Connection.GetDatabase().KeyTimeToLiveAsync(_keys.Session(key));
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, IdleTimeout - TimeSpan.FromMinutes(1), IdleTimeout);
    }

    [Fact]
    public async Task SessionKeyIsNamedByTheKeyHelper()
    {
        var store = CreateStore();
        var key = NewKey();

        await store.TrySaveAsync(key, Session(key), 0, Ct);

        // The conversation key in braces: a Redis Cluster hash tag, shared with the conversation's dedupe keys.
        Assert.Equal($"{_keys.Prefix}session:{{{key}}}", (string?)_keys.Session(key));
        Assert.True(await redis.Connection.GetDatabase().KeyExistsAsync($"{_keys.Prefix}session:{{{key}}}"));
    }

    [Fact]
    public async Task OfTwoInstancesSavingTheSameVersionExactlyOneWins()
    {
        await using var first = await redis.ConnectAsync();
        await using var second = await redis.ConnectAsync();
        var stores = new[] { CreateStore(first), CreateStore(second) };

        // Many rounds, so both orders of arrival are exercised.
        for (var round = 0; round < 20; round++)
        {
            var key = NewKey();
            await stores[0].TrySaveAsync(key, Session(key), 0, Ct);
            using var start = new ManualResetEventSlim();
            var racers = stores.Select((store, i) => Task.Run(
                () =>
                {
                    start.Wait(Ct);
                    return store.TrySaveAsync(key, Session(key, $"instance-{i}"), 1, Ct);
                },
                Ct)).ToArray();
            start.Set();

            var results = await Task.WhenAll(racers);

            Assert.Single(results, saved => saved);
            var loaded = await stores[1].LoadAsync(key, Ct);
            Assert.Equal(2, loaded!.Version);
            Assert.Equal($"instance-{Array.IndexOf(results, true)}", loaded.State.StepId);
        }
    }

    // Round trips are counted twice over: by this instance's own multiplexer (operations it sent) and by the server
    // (INFO commandstats; it also counts the commands a script runs, so only the script call itself is looked at there).
    [Fact]
    public async Task LoadIsOneRoundTripAndSaveIsOneScriptCall()
    {
        await using var instance = await redis.ConnectAsync();
        var store = CreateStore(instance);
        var key = NewKey();
        await store.TrySaveAsync(key, Session(key), 0, Ct); // the script is now cached, as in steady state

        var (sentBeforeLoad, serverBeforeLoad) = (OperationsSent(instance), await redis.CommandCallsAsync());
        var loaded = await store.LoadAsync(key, Ct);
        var (sentAfterLoad, serverAfterLoad) = (OperationsSent(instance), await redis.CommandCallsAsync());
        Assert.True(await store.TrySaveAsync(key, Session(key, "next"), loaded!.Version, Ct));
        var (sentAfterSave, serverAfterSave) = (OperationsSent(instance), await redis.CommandCallsAsync());

        Assert.Equal(1, sentAfterLoad - sentBeforeLoad);
        Assert.Equal(1, Delta(serverBeforeLoad, serverAfterLoad, "hmget"));
        Assert.Equal(1, sentAfterSave - sentAfterLoad);
        Assert.Equal(1, Delta(serverAfterLoad, serverAfterSave, "evalsha"));
        Assert.Equal(0, Delta(serverAfterLoad, serverAfterSave, "eval"));
    }

    // The client sends the script text once per connection (EVAL, then SCRIPT LOAD to cache it); after that only its SHA.
    [Fact]
    public async Task ScriptTextIsSentOnlyOncePerConnection()
    {
        await using var instance = await redis.ConnectAsync();
        var store = CreateStore(instance);
        var key = NewKey();

        var serverBefore = await redis.CommandCallsAsync();
        Assert.True(await store.TrySaveAsync(key, Session(key), 0, Ct));
        var serverAfterFirst = await redis.CommandCallsAsync();
        var sentBeforeSecond = OperationsSent(instance);
        Assert.True(await store.TrySaveAsync(key, Session(key, "next"), 1, Ct));
        var sentAfterSecond = OperationsSent(instance);
        var serverAfterSecond = await redis.CommandCallsAsync();

        Assert.Equal(1, Delta(serverBefore, serverAfterFirst, "eval") + Delta(serverBefore, serverAfterFirst, "evalsha"));
        Assert.InRange(Delta(serverBefore, serverAfterFirst, "script|load"), 0, 1);
        Assert.Equal(1, sentAfterSecond - sentBeforeSecond);
        Assert.Equal(1, Delta(serverAfterFirst, serverAfterSecond, "evalsha"));
        Assert.Equal(0, Delta(serverAfterFirst, serverAfterSecond, "eval") + Delta(serverAfterFirst, serverAfterSecond, "script|load"));
    }

    [Fact]
    public async Task ATurnCostsTwoRoundTrips()
    {
        await using var instance = await redis.ConnectAsync();
        var sessions = CreateStore(instance);
        var key = NewKey();
        await sessions.TrySaveAsync(key, Session(key), 0, NewMessage(), Ct); // the script is known on this connection from now on

        // Load (with the has-this-message-been-handled check in the same script), then save admitting the message
        // (dedupe) in the same script: no separate SET NX or EXISTS.
        var message = NewMessage();
        await sessions.LoadAsync(key, message, Ct); // the load script is known on this connection from now on
        var before = OperationsSent(instance);
        var (session, handled) = await sessions.LoadAsync(key, message, Ct);
        var saved = await sessions.TrySaveAsync(key, Session(key, "next"), session!.Version, NewMessage(), Ct);

        Assert.False(handled);
        Assert.Equal(SaveOutcome.Saved, saved);
        Assert.Equal(2, OperationsSent(instance) - before);
    }

    [Fact]
    public async Task ALoadForAMessageWhoseTurnWasSavedSaysItWasHandled()
    {
        // A redelivery after the turn was saved must be dropped before the turn is recorded against a later step.
        var store = CreateStore();
        var key = NewKey();
        var message = NewMessage();
        Assert.False((await store.LoadAsync(key, message, Ct)).AlreadyHandled);
        Assert.Equal(SaveOutcome.Saved, await store.TrySaveAsync(key, Session(key, "first"), 0, message, Ct));

        var (session, handled) = await store.LoadAsync(key, message, Ct);

        Assert.True(handled);
        Assert.Equal("first", session!.State.StepId);
        Assert.False((await store.LoadAsync(key, NewMessage(), Ct)).AlreadyHandled);
    }

    [Fact]
    public async Task ASaveForAMessageAdmittedBeforeIsRefusedAsDuplicateAndChangesNothing()
    {
        var store = CreateStore();
        var key = NewKey();
        var message = NewMessage();
        Assert.Equal(SaveOutcome.Saved, await store.TrySaveAsync(key, Session(key, "first"), 0, message, Ct));

        Assert.Equal(SaveOutcome.Duplicate, await store.TrySaveAsync(key, Session(key, "again"), 1, message, Ct));

        var loaded = await store.LoadAsync(key, Ct);
        Assert.Equal(1, loaded!.Version);
        Assert.Equal("first", loaded.State.StepId);
    }

    [Fact]
    public async Task ASaveAdmitsItsMessageForTheDedupeWindowUnderTheDeduplicatorsKey()
    {
        var store = CreateStore();
        var key = NewKey();
        var message = NewMessage();

        await store.TrySaveAsync(key, Session(key), 0, message, Ct);

        // The same key RedisMessageDeduplicator uses, so both ways of admitting agree.
        var deduplicator = new RedisMessageDeduplicator(redis.Connection, _keys, Options.Create(new SessionsOptions()));
        Assert.False(await deduplicator.TryBeginAsync(key, message.MessageId));
        var ttl = await redis.Connection.GetDatabase().KeyTimeToLiveAsync(_keys.Dedupe(key, message.MessageId));
        Assert.InRange(ttl!.Value, new SessionsOptions().DedupeWindow - TimeSpan.FromMinutes(1), new SessionsOptions().DedupeWindow);
    }

    [Fact]
    public async Task AConflictingSaveDoesNotAdmitItsMessage()
    {
        var store = CreateStore();
        var key = NewKey();
        var message = NewMessage();
        await store.TrySaveAsync(key, Session(key), 0, Ct);

        Assert.Equal(SaveOutcome.Conflict, await store.TrySaveAsync(key, Session(key, "late"), 0, message, Ct));
        Assert.Equal(SaveOutcome.Saved, await store.TrySaveAsync(key, Session(key, "retried"), 1, message, Ct));
    }

    [Fact]
    public async Task OfTwoInstancesSavingForTheSameMessageExactlyOneWinsWhateverVersionTheyLoaded()
    {
        await using var first = await redis.ConnectAsync();
        await using var second = await redis.ConnectAsync();
        var stores = new[] { CreateStore(first), CreateStore(second) };

        for (var round = 0; round < 20; round++)
        {
            // A redelivery to both instances: each loads, advances and saves on behalf of the same message, retrying on
            // conflicts as the turn processor does. Exactly one save may happen.
            var key = NewKey();
            var message = NewMessage();
            await stores[0].TrySaveAsync(key, Session(key), 0, Ct);
            using var start = new ManualResetEventSlim();
            var racers = stores.Select((store, i) => Task.Run(
                async () =>
                {
                    start.Wait(Ct);
                    while (true)
                    {
                        var loaded = await store.LoadAsync(key, Ct);
                        var outcome = await store.TrySaveAsync(key, Session(key, $"instance-{i}"), loaded!.Version, message, Ct);
                        if (outcome != SaveOutcome.Conflict)
                        {
                            return outcome;
                        }
                    }
                },
                Ct)).ToArray();
            start.Set();

            var results = await Task.WhenAll(racers);

            Assert.Single(results, outcome => outcome == SaveOutcome.Saved);
            Assert.Single(results, outcome => outcome == SaveOutcome.Duplicate);
            Assert.Equal(2, (await stores[1].LoadAsync(key, Ct))!.Version);
        }
    }

    private static MessageIdentity NewMessage() => new("test", Guid.NewGuid().ToString("N"));

    private static long OperationsSent(ConnectionMultiplexer instance) =>
        instance.GetServers().Sum(server => server.GetCounters().Interactive.OperationCount);

    private static long Delta(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after, string command) =>
        after.GetValueOrDefault(command) - before.GetValueOrDefault(command);
}
