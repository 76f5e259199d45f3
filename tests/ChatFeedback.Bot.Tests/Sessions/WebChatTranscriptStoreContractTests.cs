using ChatFeedback.Adapters;
using ChatFeedback.Adapters.WebChat;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ChatFeedback.Bot.Tests.Sessions;

/// <summary>What every <see cref="IWebChatTranscriptStore"/> must do; each implementation runs it through a subclass.</summary>
public abstract class WebChatTranscriptStoreContractTests
{
    protected static readonly TimeSpan IdleTimeout = TimeSpan.FromHours(1);

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected static IOptions<WebChatOptions> Options(int maxMessages = 200, int maxConversations = 1000) =>
        Microsoft.Extensions.Options.Options.Create(new WebChatOptions
        {
            MaxMessagesPerConversation = maxMessages,
            MaxConversations = maxConversations,
            ConversationIdleTimeout = IdleTimeout,
        });

    /// <summary>A store on <see cref="Time"/>.</summary>
    protected abstract IWebChatTranscriptStore CreateStore(int maxMessages = 200, int maxConversations = 1000);

    /// <summary>Lets <paramref name="elapsed"/> pass; a store with its own clock (Redis) ages the conversations' keys too.</summary>
    protected virtual Task ElapseAsync(TimeSpan elapsed, params string[] conversationIds)
    {
        Time.Advance(elapsed);
        return Task.CompletedTask;
    }

    protected static string NewId() => "wc-" + Guid.NewGuid().ToString("N");

    private static OutboundMessage Question(string text) =>
        new(text, new OutboundQuestion("q1", QuestionKind.Rating, [new("1", "Poor"), new("5", "Great")], Skippable: true) { SkipLabel = "Skip" });

    [Fact]
    public async Task AnOpenedConversationIsFoundWithItsLocaleAndTime()
    {
        var store = CreateStore();
        var id = NewId();

        var opened = await store.CreateAsync(id, "zh-CN", Ct);
        var found = await store.FindAsync(id, Ct);

        Assert.Equal(new WebChatConversation(id, "zh-CN", Time.GetUtcNow()), opened);
        Assert.Equal(opened, found);
        Assert.Null((await store.CreateAsync(NewId(), null, Ct))!.Locale);
    }

    [Fact]
    public async Task OpeningAnIdTwiceIsRefused()
    {
        var store = CreateStore();
        var id = NewId();
        await store.CreateAsync(id, "en", Ct);

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.CreateAsync(id, "en", Ct));
    }

    [Fact]
    public async Task AppendedMessagesAreNumberedInOrderAndReadBackWhole()
    {
        var store = CreateStore();
        var id = NewId();
        await store.CreateAsync(id, "en", Ct);

        var first = await store.AppendAsync(id, new OutboundMessage("Hello <b>&</b> 你好"), Ct);
        Time.Advance(TimeSpan.FromSeconds(3));
        var second = await store.AppendAsync(id, Question("How was it?"), Ct);

        Assert.Equal(1, first!.Seq);
        Assert.Equal(2, second!.Seq);
        var all = Assert.IsAssignableFrom<IReadOnlyList<WebChatTranscriptEntry>>(await store.ReadAfterAsync(id, 0, Ct));
        Assert.Equal([1L, 2L], all.Select(e => e.Seq));
        Assert.Equal("Hello <b>&</b> 你好", all[0].Message.Text);
        Assert.Equal(Time.GetUtcNow(), all[1].SentAt);
        var question = all[1].Message.Question!;
        Assert.Equal(("q1", QuestionKind.Rating, true, "Skip"), (question.QuestionId, question.Kind, question.Skippable, question.SkipLabel));
        Assert.Equal([new OutboundOption("1", "Poor"), new OutboundOption("5", "Great")], question.Options);
        Assert.Equal([2L], (await store.ReadAfterAsync(id, 1, Ct))!.Select(e => e.Seq));
        Assert.Empty((await store.ReadAfterAsync(id, 2, Ct))!);
    }

    [Fact]
    public async Task OnlyTheLatestMessagesAreKeptButNumberingGoesOn()
    {
        var store = CreateStore(maxMessages: 3);
        var id = NewId();
        await store.CreateAsync(id, "en", Ct);

        for (var i = 1; i <= 5; i++)
        {
            await store.AppendAsync(id, new OutboundMessage($"m{i}"), Ct);
        }

        var kept = Assert.IsAssignableFrom<IReadOnlyList<WebChatTranscriptEntry>>(await store.ReadAfterAsync(id, 0, Ct));
        Assert.Equal(["m3", "m4", "m5"], kept.Select(e => e.Message.Text));
        Assert.Equal([3L, 4L, 5L], kept.Select(e => e.Seq));
        Assert.Equal([5L], (await store.ReadAfterAsync(id, 4, Ct))!.Select(e => e.Seq));
        Assert.Equal([3L, 4L, 5L], (await store.ReadAfterAsync(id, 1, Ct))!.Select(e => e.Seq));
        Assert.Empty((await store.ReadAfterAsync(id, 9, Ct))!);
    }

    [Fact]
    public async Task AnUnknownConversationHasNothingAndTakesNothing()
    {
        var store = CreateStore();
        var id = NewId();

        Assert.Null(await store.FindAsync(id, Ct));
        Assert.False(await store.TouchAsync(id, Ct));
        Assert.Null(await store.AppendAsync(id, new OutboundMessage("lost?"), Ct));
        Assert.Null(await store.ReadAfterAsync(id, 0, Ct));
        Assert.Null(await store.FindAsync(id, Ct)); // the append did not create it
    }

    [Fact]
    public async Task ARemovedConversationIsGoneAndEndsItsWatchers()
    {
        var store = CreateStore();
        var id = NewId();
        await store.CreateAsync(id, "en", Ct);
        await store.AppendAsync(id, new OutboundMessage("one"), Ct);
        await using var watch = store.WatchAsync(id, 0, Ct).GetAsyncEnumerator(Ct);
        Assert.True(await watch.MoveNextAsync());
        var next = watch.MoveNextAsync().AsTask();

        await store.RemoveAsync(id, Ct);

        Assert.False(await next.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Null(await store.FindAsync(id, Ct));
        Assert.Null(await store.AppendAsync(id, new OutboundMessage("two"), Ct));
    }

    [Fact]
    public async Task AWatcherGetsTheBacklogThenEachNewMessageAsItIsAppended()
    {
        var store = CreateStore();
        var id = NewId();
        await store.CreateAsync(id, "en", Ct);
        await store.AppendAsync(id, new OutboundMessage("one"), Ct);
        await store.AppendAsync(id, new OutboundMessage("two"), Ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(TimeSpan.FromSeconds(20));
        await using var watch = store.WatchAsync(id, 1, stop.Token).GetAsyncEnumerator(stop.Token);

        Assert.True(await watch.MoveNextAsync());
        Assert.Equal("two", watch.Current.Message.Text);
        var next = watch.MoveNextAsync().AsTask();
        await Task.Delay(100, Ct); // the watcher is waiting now (a wake-up it missed would leave it to its poll)
        Assert.False(next.IsCompleted);
        await store.AppendAsync(id, new OutboundMessage("three"), Ct);

        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(5), Ct));
        Assert.Equal((3L, "three"), (watch.Current.Seq, watch.Current.Message.Text));
    }

    [Fact]
    public async Task AConversationWithoutActivityExpiresAndActivityKeepsItOpen()
    {
        var store = CreateStore();
        var (quiet, busy) = (NewId(), NewId());
        await store.CreateAsync(quiet, "en", Ct);
        await store.CreateAsync(busy, "en", Ct);

        await ElapseAsync(IdleTimeout - TimeSpan.FromMinutes(5), quiet, busy);
        Assert.True(await store.TouchAsync(busy, Ct));
        await ElapseAsync(TimeSpan.FromMinutes(10), quiet, busy);

        Assert.Null(await store.FindAsync(quiet, Ct));
        Assert.Null(await store.AppendAsync(quiet, new OutboundMessage("late"), Ct));
        Assert.NotNull(await store.FindAsync(busy, Ct));
    }

    [Fact]
    public async Task OpeningBeyondTheLimitIsRefusedUntilOneIsRemoved()
    {
        var store = CreateStore(maxConversations: 2);
        var (first, second) = (NewId(), NewId());
        await store.CreateAsync(first, "en", Ct);
        await store.CreateAsync(second, "en", Ct);

        Assert.Null(await store.CreateAsync(NewId(), "en", Ct));

        await store.RemoveAsync(first, Ct);
        Assert.NotNull(await store.CreateAsync(NewId(), "en", Ct));
    }
}
