using System.Net;

namespace ChatFeedback.Adapters.Telegram.Tests;

public sealed class TelegramEndpointsTests
{
    private static string Fixture(string name) =>
        System.IO.File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name + ".json"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong")]
    [InlineData("s3cret_Token-")]
    [InlineData("s3cret_Token-12")]
    public async Task RejectsUpdateWithWrongOrMissingSecret(string? secret)
    {
        await using var host = await TelegramWebhookHost.StartAsync();

        using var response = await host.PostAsync(Fixture("private-text"), secret);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, host.Sink.Calls);
    }

    [Fact]
    public async Task QueuesValidUpdateAndAnswers200()
    {
        await using var host = await TelegramWebhookHost.StartAsync();

        using var response = await host.PostAsync(Fixture("private-text"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = Assert.Single(host.Sink.Messages);
        Assert.Equal("731245001", message.MessageId);
        Assert.Equal("The parcel arrived damaged <again> & nobody answers", message.Text);
    }

    [Fact]
    public async Task DeserialisesCallbackQueriesWithTheBotApiSettings()
    {
        await using var host = await TelegramWebhookHost.StartAsync();
        host.Sink.Answer = (message, _) => AnsweredInline(message, null);

        using var response = await host.PostAsync(Fixture("callback-query"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new ButtonPress("q3", "4"), Assert.Single(host.Sink.Messages).Button);
    }

    [Fact]
    public async Task AnswersTheCallbackQueryInTheResponseWithTheNoticeTheTurnGave()
    {
        await using var host = await TelegramWebhookHost.StartAsync();
        host.Sink.Answer = (message, _) => AnsweredInline(message, "That question is closed.");

        using var response = await host.PostAsync(Fixture("callback-query"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var reply = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("answerCallbackQuery", reply.RootElement.GetProperty("method").GetString());
        Assert.Equal("1656101093845937152", reply.RootElement.GetProperty("callback_query_id").GetString());
        Assert.Equal("That question is closed.", reply.RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task AcknowledgesAPressWithoutAnswerWhenItsTurnIsLateAndLeavesTheAnswerToTheApi()
    {
        await using var host = await TelegramWebhookHost.StartAsync(new Dictionary<string, string?> { ["Telegram:CallbackAnswerWait"] = "00:00:00.001" });

        using var response = await host.PostAsync(Fixture("callback-query"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        var inline = Assert.Single(host.Sink.Messages).Interaction!.Inline!;
        Assert.False(inline.TryAnswer(null));
        Assert.True(inline.StopWaiting()); // the adapter answers by API
    }

    [Fact]
    public async Task WithTheWaitOffAPressIsAcknowledgedAtOnce()
    {
        await using var host = await TelegramWebhookHost.StartAsync(new Dictionary<string, string?> { ["Telegram:CallbackAnswerWait"] = "00:00:00" });

        using var response = await host.PostAsync(Fixture("callback-query"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Assert.Single(host.Sink.Messages).Interaction!.Inline);
    }

    /// <summary>A sink whose turn is done at once: the press's answer is handed to the waiting webhook.</summary>
    private static EnqueueResult AnsweredInline(InboundMessage message, string? notice)
    {
        Assert.True(message.Interaction?.Inline?.TryAnswer(notice));
        return EnqueueResult.Queued;
    }

    [Fact]
    public async Task AcknowledgesDuplicateWith200()
    {
        await using var host = await TelegramWebhookHost.StartAsync();
        host.Sink.Answer = (_, _) => EnqueueResult.Duplicate;

        using var response = await host.PostAsync(Fixture("private-text"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AnswersMalformedJsonWith200AndCountsIt()
    {
        await using var host = await TelegramWebhookHost.StartAsync();

        using var response = await host.PostAsync("{\"update_id\": 12, \"message\": {");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, host.Sink.Calls);
        Assert.Equal(1, host.Ignored);
        Assert.Equal(TelegramMetrics.ReasonMalformed, host.LastIgnoredReason);
    }

    [Fact]
    public async Task AnswersUnsupportedUpdateWith200AndCountsIt()
    {
        await using var host = await TelegramWebhookHost.StartAsync();

        using var response = await host.PostAsync(Fixture("edited-message"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, host.Sink.Calls);
        Assert.Equal(1, host.Ignored);
        Assert.Equal(TelegramMetrics.ReasonUnsupported, host.LastIgnoredReason);
    }

    [Fact]
    public async Task RejectsOversizedBodyWith413()
    {
        await using var host = await TelegramWebhookHost.StartAsync();
        var padding = new string(' ', 5000);

        using var response = await host.PostAsync(Fixture("private-text") + padding);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, host.Sink.Calls);
    }

    [Fact]
    public async Task AnswersRejectedUpdateWith503SoTelegramRedelivers()
    {
        await using var host = await TelegramWebhookHost.StartAsync();
        host.Sink.Answer = (_, _) => EnqueueResult.Rejected;

        using var response = await host.PostAsync(Fixture("private-text"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task MapsNoRouteInPollingMode()
    {
        await using var host = await TelegramWebhookHost.StartAsync(
            new Dictionary<string, string?> { ["Telegram:Mode"] = "Polling" },
            api => api.Ok("deleteWebhook").LongPoll());

        using var response = await host.PostAsync(Fixture("private-text"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
