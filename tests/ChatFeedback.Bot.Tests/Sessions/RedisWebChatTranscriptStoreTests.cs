using ChatFeedback.Adapters;
using ChatFeedback.Adapters.WebChat;
using ChatFeedback.Bot.Sessions;
using ChatFeedback.Bot.Tests.Support;

namespace ChatFeedback.Bot.Tests.Sessions;

[Collection(RedisTestGroup.Name)]
public sealed class RedisWebChatTranscriptStoreTests(RedisServerFixture redis) : RedisWebChatTranscriptStoreTestBase(redis);

/// <summary>The same on a Redis Cluster, which refuses a script whose keys hash to different slots.</summary>
[Collection(RedisClusterTestGroup.Name)]
public sealed class RedisClusterWebChatTranscriptStoreTests(RedisClusterFixture redis) : RedisWebChatTranscriptStoreTestBase(redis);

public abstract class RedisWebChatTranscriptStoreTestBase(RedisServerFixture redis) : WebChatTranscriptStoreContractTests
{
    private readonly RedisKeys _keys = RedisServerFixture.NewKeys();

    protected override IWebChatTranscriptStore CreateStore(int maxMessages = 200, int maxConversations = 1000) =>
        new RedisWebChatTranscriptStore(redis.Connection, _keys, Time, Options(maxMessages, maxConversations));

    protected override async Task ElapseAsync(TimeSpan elapsed, params string[] conversationIds)
    {
        await base.ElapseAsync(elapsed, conversationIds);
        foreach (var id in conversationIds)
        {
            await redis.AgeKeyAsync(_keys.WebChatConversation(id), elapsed);
            await redis.AgeKeyAsync(_keys.WebChatLog(id), elapsed);
        }
    }

    [Fact]
    public async Task AConversationsKeysShareAHashSlotAndExpireWhenIdle()
    {
        var store = CreateStore();
        var id = NewId();
        await store.CreateAsync(id, "en", Ct);
        await store.AppendAsync(id, new OutboundMessage("hello"), Ct);

        var database = redis.Connection.GetDatabase();
        foreach (var key in new[] { _keys.WebChatConversation(id), _keys.WebChatLog(id) })
        {
            var ttl = await database.KeyTimeToLiveAsync(key);
            Assert.NotNull(ttl);
            Assert.InRange(ttl.Value, IdleTimeout - TimeSpan.FromMinutes(1), IdleTimeout);
        }

        Assert.Equal(redis.Connection.HashSlot(_keys.WebChatConversation(id)), redis.Connection.HashSlot(_keys.WebChatLog(id)));
    }

    [Fact]
    public async Task AMessageAppendedOnOneInstanceWakesAWatcherOnAnother()
    {
        await using var other = await redis.ConnectAsync();
        var (reader, writer) = (CreateStore(), new RedisWebChatTranscriptStore(other, _keys, Time, Options()));
        var id = NewId();
        await writer.CreateAsync(id, "en", Ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(TimeSpan.FromSeconds(20));
        await using var watch = reader.WatchAsync(id, 0, stop.Token).GetAsyncEnumerator(stop.Token);
        var first = watch.MoveNextAsync().AsTask();
        await Task.Delay(100, Ct);

        await writer.AppendAsync(id, new OutboundMessage("from the other instance"), Ct);

        // Fake time: the watcher's own poll never comes, so only the other instance's wake-up can deliver this.
        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(5), Ct));
        Assert.Equal("from the other instance", watch.Current.Message.Text);
    }

    [Fact]
    public async Task AnEntryNotWrittenByTheStoreIsReportedNotSkipped()
    {
        var store = CreateStore();
        var id = NewId();
        await store.CreateAsync(id, "en", Ct);
        await store.AppendAsync(id, new OutboundMessage("one"), Ct);
        await redis.Connection.GetDatabase().ListRightPushAsync(_keys.WebChatLog(id), "not an entry");

        await Assert.ThrowsAsync<InvalidDataException>(async () => await store.ReadAfterAsync(id, 0, Ct));
    }
}
