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

        using var response = await host.PostAsync(Fixture("callback-query"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new ButtonPress("q3", "4"), Assert.Single(host.Sink.Messages).Button);
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
