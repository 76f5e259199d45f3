using ChatFeedback.Bot.Sessions;
using ChatFeedback.Bot.Tests.Support;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatFeedback.Bot.Tests.Sessions;

[Collection(RedisTestGroup.Name)]
public sealed class RedisSessionStoreTests(RedisServerFixture redis) : SessionStoreContractTests
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

        Assert.Equal($"{_keys.Prefix}session:{key}", (string?)_keys.Session(key));
        Assert.True(await redis.Connection.GetDatabase().KeyExistsAsync($"{_keys.Prefix}session:{key}"));
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
    public async Task ATurnCostsThreeRoundTrips()
    {
        await using var instance = await redis.ConnectAsync();
        var sessions = CreateStore(instance);
        var deduplicator = new RedisMessageDeduplicator(instance, _keys, Options.Create(new SessionsOptions()));
        var key = NewKey();
        await sessions.TrySaveAsync(key, Session(key), 0, Ct);

        var before = OperationsSent(instance);
        Assert.True(await deduplicator.TryBeginAsync("test", Guid.NewGuid().ToString("N")));
        var session = await sessions.LoadAsync(key, Ct);
        Assert.True(await sessions.TrySaveAsync(key, Session(key, "next"), session!.Version, Ct));

        Assert.Equal(3, OperationsSent(instance) - before);
    }

    private static long OperationsSent(ConnectionMultiplexer instance) =>
        instance.GetServers().Sum(server => server.GetCounters().Interactive.OperationCount);

    private static long Delta(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after, string command) =>
        after.GetValueOrDefault(command) - before.GetValueOrDefault(command);
}
