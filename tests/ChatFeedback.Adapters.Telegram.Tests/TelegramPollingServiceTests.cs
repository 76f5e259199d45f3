using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ChatFeedback.Adapters.Telegram.Tests;

public sealed class TelegramPollingServiceTests : IDisposable
{
    private const string FirstBatch = """
        [
          {"update_id":500,"message":{"message_id":1,"from":{"id":42,"is_bot":false,"first_name":"A","language_code":"en"},"chat":{"id":42,"type":"private"},"date":1735725600,"text":"/start tok_1"}},
          {"update_id":501,"edited_message":{"message_id":1,"from":{"id":42,"is_bot":false,"first_name":"A"},"chat":{"id":42,"type":"private"},"date":1735725600,"edit_date":1735725601,"text":"edited"}},
          {"update_id":502,"message":{"message_id":2,"from":{"id":42,"is_bot":false,"first_name":"A"},"chat":{"id":42,"type":"private"},"date":1735725601,"text":"first"}}
        ]
        """;

    private const string SecondBatch = """
        [
          {"update_id":503,"message":{"message_id":3,"from":{"id":42,"is_bot":false,"first_name":"A"},"chat":{"id":42,"type":"private"},"date":1735725602,"text":"second"}}
        ]
        """;

    private readonly FakeBotApi api = new();
    private readonly RecordingSink sink = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => api.Dispose();

    [Fact]
    public async Task EnqueuesUpdatesInOrderAndConfirmsEachBatch()
    {
        api.Ok("deleteWebhook").Ok("setMyCommands").LongPoll().Sequence("getUpdates", FirstBatch, SecondBatch);
        await using var services = TestServices.Build(TestServices.Settings(api), sink);
        var polling = services.GetServices<IHostedService>().OfType<TelegramPollingService>().Single();

        await polling.StartAsync(Ct);
        await sink.WaitForAsync(3);
        await polling.StopAsync(Ct);

        Assert.Equal(["500", "502", "503"], sink.Messages.Select(m => m.MessageId));
        Assert.Equal(InboundKind.ConversationOpened, sink.Messages[0].Kind);
        Assert.Equal("tok_1", sink.Messages[0].StartToken);

        var deleteWebhook = Assert.Single(api.Calls("deleteWebhook"));
        Assert.False(deleteWebhook.TryGetProperty("drop_pending_updates", out var drop) && drop.GetBoolean());

        var calls = api.Calls("getUpdates");
        Assert.True(calls.Count >= 2);
        Assert.False(calls[0].TryGetProperty("offset", out _));
        Assert.Equal(503, calls[1].GetProperty("offset").GetInt32());
        Assert.Equal(100, calls[1].GetProperty("limit").GetInt32());
        Assert.Equal(25, calls[1].GetProperty("timeout").GetInt32());
        Assert.Equal(["message", "callback_query", "my_chat_member"], calls[1].GetProperty("allowed_updates").EnumerateArray().Select(e => e.GetString()));
        Assert.All(calls.Skip(2), c => Assert.Equal(504, c.GetProperty("offset").GetInt32()));
    }

    [Fact]
    public async Task RetriesRejectedUpdateBeforeMovingOn()
    {
        api.Ok("deleteWebhook").LongPoll().Sequence("getUpdates", SecondBatch);
        sink.Answer = (_, call) => call == 1 ? EnqueueResult.Rejected : EnqueueResult.Queued;
        await using var services = TestServices.Build(TestServices.Settings(api), sink);
        var polling = services.GetServices<IHostedService>().OfType<TelegramPollingService>().Single();

        await polling.StartAsync(Ct);
        await sink.WaitForAsync(1);
        await polling.StopAsync(Ct);

        Assert.Equal(2, sink.Calls);
        Assert.Equal("503", Assert.Single(sink.Messages).MessageId);
        Assert.Single(api.Calls("getUpdates"), c => !c.TryGetProperty("offset", out _));
    }

    [Fact]
    public async Task KeepsPollingAfterConflict()
    {
        api.Ok("deleteWebhook").LongPoll();
        api.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath(FakeBotApi.PathOf("getUpdates")).UsingPost())
            .InScenario("conflict")
            .WillSetStateTo("resolved")
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(409).WithHeader("Content-Type", "application/json")
                .WithBody("""{"ok":false,"error_code":409,"description":"Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}"""));
        api.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath(FakeBotApi.PathOf("getUpdates")).UsingPost())
            .InScenario("conflict")
            .WhenStateIs("resolved")
            .WillSetStateTo("drained")
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"ok":true,"result":{{SecondBatch}}}"""));
        await using var services = TestServices.Build(TestServices.Settings(api), sink);
        var polling = services.GetServices<IHostedService>().OfType<TelegramPollingService>().Single();

        await polling.StartAsync(Ct);
        await sink.WaitForAsync(1);
        await polling.StopAsync(Ct);

        Assert.Equal("503", Assert.Single(sink.Messages).MessageId);
    }
}
