using ChatFeedback.Adapters;
using ChatFeedback.Adapters.WebChat;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ChatFeedback.Adapters.WebChat.Tests;

public sealed class WebChatAdapterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    private InMemoryWebChatTranscriptStore NewStore(int maxMessages = 200, int maxConversations = 100, TimeSpan? idle = null) =>
        new(_time, Options.Create(new WebChatOptions
        {
            MaxMessagesPerConversation = maxMessages,
            MaxConversations = maxConversations,
            ConversationIdleTimeout = idle ?? TimeSpan.FromHours(24),
        }));

    [Fact]
    public async Task SendingToAnUnknownConversationIsUnreachable()
    {
        var adapter = new WebChatAdapter(NewStore(), NullLogger<WebChatAdapter>.Instance);

        var result = await adapter.SendAsync(new ConversationAddress("webchat", "nope"), new OutboundMessage("hi"), Ct);

        Assert.Equal(SendStatus.Unreachable, result.Status);
    }

    [Fact]
    public async Task TheTranscriptKeepsOnlyTheLatestMessages()
    {
        var store = NewStore(maxMessages: 3);
        await store.CreateAsync("c1", "en", Ct);
        var adapter = new WebChatAdapter(store, NullLogger<WebChatAdapter>.Instance);

        for (var i = 1; i <= 5; i++)
        {
            await adapter.SendAsync(new ConversationAddress("webchat", "c1"), new OutboundMessage($"m{i}"), Ct);
        }

        var kept = await store.ReadAfterAsync("c1", 0, Ct);
        Assert.Equal([3L, 4L, 5L], kept!.Select(e => e.Seq));
    }

    [Fact]
    public async Task ConversationsExpireAfterTheIdleTimeout()
    {
        var store = NewStore(idle: TimeSpan.FromHours(1));
        await store.CreateAsync("c1", null, Ct);
        var adapter = new WebChatAdapter(store, NullLogger<WebChatAdapter>.Instance);

        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(SendStatus.Delivered, (await adapter.SendAsync(new ConversationAddress("webchat", "c1"), new OutboundMessage("still here"), Ct)).Status);
        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.NotNull(await store.FindAsync("c1", Ct));
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Null(await store.FindAsync("c1", Ct));
        Assert.Equal(SendStatus.Unreachable, (await adapter.SendAsync(new ConversationAddress("webchat", "c1"), new OutboundMessage("gone"), Ct)).Status);
    }

    [Fact]
    public async Task OpeningSweepsExpiredConversationsAndRefusesWhenFull()
    {
        var store = NewStore(maxConversations: 2, idle: TimeSpan.FromHours(1));
        await store.CreateAsync("a", null, Ct);
        await store.CreateAsync("b", null, Ct);
        Assert.Null(await store.CreateAsync("c", null, Ct));

        _time.Advance(TimeSpan.FromHours(2));

        Assert.NotNull(await store.CreateAsync("c", null, Ct));
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task WatchersEndWhenTheConversationIsRemoved()
    {
        var store = NewStore();
        await store.CreateAsync("c1", null, Ct);
        var seen = new List<long>();
        var watching = Task.Run(async () =>
        {
            await foreach (var entry in store.WatchAsync("c1", 0, Ct))
            {
                seen.Add(entry.Seq);
            }
        }, Ct);

        await store.AppendAsync("c1", new OutboundMessage("one"), Ct);
        await store.RemoveAsync("c1", Ct);
        await watching.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.True(seen.Count <= 1);
    }

    [Fact]
    public async Task RefusesAnotherChannel()
    {
        var adapter = new WebChatAdapter(NewStore(), NullLogger<WebChatAdapter>.Instance);

        var result = await adapter.SendAsync(new ConversationAddress("telegram", "1"), new OutboundMessage("hi"), Ct);

        Assert.Equal(SendStatus.Failed, result.Status);
    }
}
