using ChatFeedback.Adapters;
using ChatFeedback.Bot.Conversations;
using ChatFeedback.Bot.Tests.Support;
using ChatFeedback.Dialogs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ChatFeedback.Bot.Tests.Conversations;

/// <summary>The turn pipeline through the real host: real flows and engine, a recording channel.</summary>
public sealed class TurnQueueTests
{
    // Answers, commands and nonsense: the replies depend on the order they are processed in.
    private static readonly string[] Script =
    [
        "1", "5", "help", "4", "9", "nonsense", "/restart", "2", "3", "menu",
        "1", "1", "10", "yes", "no", "/cancel", "2", "delivery", "late again", "?",
        "3", "5", "5", "8", "/menu", "1", "2", "2", "0", "skip",
        "/restart", "4", "4", "7", "fine", "help", "/cancel", "3", "1", "no",
        "1", "5", "3", "6", "ok", "/menu", "2", "3", "5",
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ConversationAddress Address(string conversationId) => new(RecordingChannelAdapter.Channel, conversationId, "user-" + conversationId);

    private static InboundMessage Opened(ConversationAddress to, string id, DateTimeOffset at) => InboundMessage.Opened(id, to, "en", at);

    private static InboundMessage Text(ConversationAddress to, string id, string text, DateTimeOffset at) => InboundMessage.FromText(id, to, text, "en", at);

    /// <summary>The replies the engine gives to opening the conversation and then typing <paramref name="texts"/>, one after the other.</summary>
    private static List<string> ExpectedReplies(DialogEngine engine, DateTimeOffset now, IEnumerable<string> texts)
    {
        var turn = engine.Advance(engine.NewState("en"), DialogInput.Start(), now);
        var replies = turn.Replies.Select(r => r.Text).ToList();
        foreach (var text in texts)
        {
            turn = engine.Advance(turn.State, DialogInput.Typed(text), now);
            replies.AddRange(turn.Replies.Select(r => r.Text));
        }

        return replies;
    }

    [Fact]
    public async Task MessagesOfOneConversationAreProcessedInEnqueueOrderWhileOtherConversationsEnqueueAtTheSameTime()
    {
        await using var factory = new BotFactory();
        var sink = factory.Services.GetRequiredService<IInboundSink>();
        var now = factory.Time.GetUtcNow();
        var expected = ExpectedReplies(factory.Services.GetRequiredService<DialogEngine>(), now, Script);
        var conversations = Enumerable.Range(0, 6).Select(i => $"order-{i}").ToList();
        Assert.True(expected.Distinct().Count() > 10, "the script should walk through many different replies");

        var results = await Task.WhenAll(conversations.Select(id => Task.Run(
            async () =>
            {
                var to = Address(id);
                var outcomes = new List<EnqueueResult> { await sink.EnqueueAsync(Opened(to, $"{id}-0", now), Ct) };
                for (var i = 0; i < Script.Length; i++)
                {
                    outcomes.Add(await sink.EnqueueAsync(Text(to, $"{id}-{i + 1}", Script[i], now), Ct));
                }

                return outcomes;
            },
            Ct)));

        Assert.All(results.SelectMany(r => r), result => Assert.Equal(EnqueueResult.Queued, result));
        await Task.WhenAll(conversations.Select(id => factory.Channel.WaitForCountAsync(id, expected.Count)));
        foreach (var id in conversations)
        {
            Assert.Equal(expected, factory.Channel.TextsTo(id));
        }
    }

    [Fact]
    public async Task InboxRecoveryStartsAfterTheTurnQueueAndBeforeTheWebServer()
    {
        await using var factory = new BotFactory();

        // The host starts its services in this order, one after the other, and the web server (which takes requests) last.
        var started = factory.Services.GetServices<IHostedService>().Select(s => s.GetType().Name).ToList();

        Assert.InRange(started.IndexOf(nameof(TurnQueue)), 0, started.IndexOf(nameof(TurnInboxRecovery)) - 1);
        Assert.InRange(started.IndexOf(nameof(TurnInboxRecovery)), 0, started.IndexOf("GenericWebHostService") - 1);
    }

    [Fact]
    public async Task RedeliveredMessageIsReportedDuplicateAndProcessedOnce()
    {
        await using var factory = new BotFactory();
        var sink = factory.Services.GetRequiredService<IInboundSink>();
        var now = factory.Time.GetUtcNow();
        var to = Address("dup");
        var expected = ExpectedReplies(factory.Services.GetRequiredService<DialogEngine>(), now, ["help", "menu"]);

        Assert.Equal(EnqueueResult.Queued, await sink.EnqueueAsync(Opened(to, "dup-0", now), Ct));
        Assert.Equal(EnqueueResult.Queued, await sink.EnqueueAsync(Text(to, "dup-1", "help", now), Ct));
        Assert.Equal(EnqueueResult.Duplicate, await sink.EnqueueAsync(Text(to, "dup-1", "help", now), Ct));
        Assert.Equal(EnqueueResult.Queued, await sink.EnqueueAsync(Text(to, "dup-2", "menu", now), Ct));

        // The last message's replies arrive after the duplicate would have been processed, had it been.
        await factory.Channel.WaitForCountAsync("dup", expected.Count);
        Assert.Equal(expected, factory.Channel.TextsTo("dup"));
    }

    [Fact]
    public async Task DifferentConversationsAreProcessedConcurrently()
    {
        await using var factory = new BotFactory();
        var queue = factory.Services.GetRequiredService<TurnQueue>();
        var sink = factory.Services.GetRequiredService<IInboundSink>();
        var now = factory.Time.GetUtcNow();
        var first = Address("slow");
        var second = Enumerable.Range(0, 1000).Select(i => Address($"fast-{i}"))
            .First(a => queue.PartitionOf(a.Key) != queue.PartitionOf(first.Key));

        // The first conversation's reply is held until the second one has sent: with one worker for both, this never ends.
        var secondSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        factory.Channel.BeforeSend = async (to, cancellationToken) =>
        {
            if (to == first)
            {
                await secondSent.Task.WaitAsync(cancellationToken);
            }
            else if (to == second)
            {
                secondSent.TrySetResult();
            }
        };

        await sink.EnqueueAsync(Opened(first, "slow-0", now), Ct);
        await sink.EnqueueAsync(Opened(second, "fast-0", now), Ct);

        await factory.Channel.WaitForCountAsync(first.ConversationId, 1);
        Assert.NotEmpty(factory.Channel.TextsTo(second.ConversationId));
    }

    [Fact]
    public async Task AFailedSendIsRetriedAfterABackoffAndNothingIsLostOrReordered()
    {
        await using var factory = new BotFactory();
        var sink = factory.Services.GetRequiredService<IInboundSink>();
        var now = factory.Time.GetUtcNow();
        var to = Address("flaky");
        var sends = 0;
        factory.Channel.BeforeSend = (_, _) =>
            Interlocked.Increment(ref sends) == 1 ? throw new HttpRequestException("channel down") : Task.CompletedTask;
        var expected = ExpectedReplies(factory.Services.GetRequiredService<DialogEngine>(), now, ["help"]);

        await sink.EnqueueAsync(Opened(to, "flaky-0", now), Ct);
        await sink.EnqueueAsync(Text(to, "flaky-1", "help", now), Ct);

        // The retry waits on the service's clock: move it on until everything has arrived.
        await factory.AdvanceUntilAsync(factory.Channel.WaitForCountAsync("flaky", expected.Count));
        Assert.Equal(expected, factory.Channel.TextsTo("flaky"));
        Assert.Equal(expected.Count + 1, sends);
    }

    [Fact]
    public async Task MessagesQueuedAtShutdownAreProcessedBeforeTheHostStopsAndLaterOnesAreRejected()
    {
        var factory = new BotFactory();
        await using var _ = factory;
        var sink = factory.Services.GetRequiredService<IInboundSink>();
        var lifetime = factory.Services.GetRequiredService<IHostApplicationLifetime>();
        var now = factory.Time.GetUtcNow();
        var to = Address("drain");
        var texts = new[] { "help", "1", "5", "4" };
        var expected = ExpectedReplies(factory.Services.GetRequiredService<DialogEngine>(), now, texts);

        // Nothing is sent until the host has begun to stop, so every message is still queued or in flight then.
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        factory.Channel.BeforeSend = (_, cancellationToken) => stopping.Task.WaitAsync(cancellationToken);
        await sink.EnqueueAsync(Opened(to, "drain-0", now), Ct);
        for (var i = 0; i < texts.Length; i++)
        {
            await sink.EnqueueAsync(Text(to, $"drain-{i + 1}", texts[i], now), Ct);
        }

        await factory.DisposeAsync();

        Assert.Equal(expected, factory.Channel.TextsTo("drain"));
        Assert.Equal(EnqueueResult.Rejected, await sink.EnqueueAsync(Text(to, "drain-late", "help", now), Ct));
    }
}
