using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ChatFeedback.Adapters;
using ChatFeedback.Adapters.WebChat;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFeedback.Adapters.WebChat.Tests;

public sealed class WebChatEndpointsTests : IAsyncLifetime
{
    private WebChatTestHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _host = await WebChatTestHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task OpeningAConversationReturnsATokenAndTellsTheBot()
    {
        var opened = await _host.OpenAsync("zh-CN");

        Assert.Matches("^[0-9a-f]{32}$", opened.ConversationId);
        Assert.False(string.IsNullOrEmpty(opened.Token));
        Assert.Equal("zh-CN", opened.Locale);
        var inbound = Assert.Single(_host.Sink.Messages);
        Assert.Equal(InboundKind.ConversationOpened, inbound.Kind);
        Assert.Equal(new ConversationAddress("webchat", opened.ConversationId), inbound.Conversation);
        Assert.Equal("zh-CN", inbound.Locale);
    }

    [Fact]
    public async Task OpeningWithoutABodyIsAllowed()
    {
        using var response = await _host.Client.PostAsync("/api/webchat/conversations", null, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("locale").ValueKind);
    }

    [Fact]
    public async Task RejectsAnInvalidLocale()
    {
        using var response = await _host.Client.PostAsJsonAsync("/api/webchat/conversations", new { locale = "<script>" }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ProblemJson.ReadAsync(response);
        Assert.True(problem.GetProperty("errors").TryGetProperty("locale", out _));
    }

    [Fact]
    public async Task OpeningFailsWith503WhenTheSinkRejects()
    {
        _host.Sink.Answer = EnqueueResult.Rejected;

        using var response = await _host.Client.PostAsJsonAsync("/api/webchat/conversations", new { locale = "en" }, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task QueuesTypedText()
    {
        var opened = await _host.OpenAsync();

        using var response = await _host.PostRawAsync(opened, """{"id":"m1","text":"  The parcel was late  "}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("m1", body.GetProperty("id").GetString());
        Assert.Equal("queued", body.GetProperty("status").GetString());
        var inbound = _host.Sink.Messages.Last();
        Assert.Equal(InboundKind.Text, inbound.Kind);
        Assert.Equal("The parcel was late", inbound.Text);
        Assert.Equal($"{opened.ConversationId}/m1", inbound.MessageId);
        Assert.Equal("en", inbound.Locale);
        Assert.Equal(_host.Time.GetUtcNow(), inbound.ReceivedAt);
    }

    [Fact]
    public async Task QueuesAButtonPress()
    {
        var opened = await _host.OpenAsync();

        using var response = await _host.PostRawAsync(opened, """{"id":"m2","button":{"questionId":"nps","value":"9"}}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var inbound = _host.Sink.Messages.Last();
        Assert.Equal(InboundKind.Button, inbound.Kind);
        Assert.Equal(new ButtonPress("nps", "9"), inbound.Button);
    }

    [Fact]
    public async Task AnswersDuplicateWhenTheSinkHasSeenTheId()
    {
        var opened = await _host.OpenAsync();
        using var first = await _host.PostRawAsync(opened, """{"id":"same","text":"hello"}""");

        using var second = await _host.PostRawAsync(opened, """{"id":"same","text":"hello"}""");

        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        var body = await second.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("duplicate", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Answers503WhenTheSinkRejectsAMessage()
    {
        var opened = await _host.OpenAsync();
        _host.Sink.Answer = EnqueueResult.Rejected;

        using var response = await _host.PostRawAsync(opened, """{"id":"m1","text":"hello"}""");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        await ProblemJson.ReadAsync(response);
    }

    [Fact]
    public async Task RejectsAMissingToken()
    {
        var opened = await _host.OpenAsync();

        using var response = await _host.Client.PostAsJsonAsync(
            $"/api/webchat/conversations/{opened.ConversationId}/messages", new { id = "m1", text = "hi" }, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        await ProblemJson.ReadAsync(response);
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("%%%")]
    public async Task RejectsAWrongToken(string token)
    {
        var opened = await _host.OpenAsync();

        using var response = await _host.PostRawAsync(opened, """{"id":"m1","text":"hi"}""", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(_host.Sink.Messages, m => m.Kind == InboundKind.Text);
    }

    [Fact]
    public async Task RejectsTheTokenOfAnotherConversation()
    {
        var mine = await _host.OpenAsync();
        var theirs = await _host.OpenAsync();

        using var response = await _host.PostRawAsync(theirs, """{"id":"m1","text":"hi"}""", mine.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AnswersNotFoundForAnUnknownConversationWithAValidToken()
    {
        var tokens = _host.App.Services.GetRequiredService<WebChatTokenService>();
        var ghost = new WebChatOpenResponse("0123456789abcdef0123456789abcdef", tokens.Issue("0123456789abcdef0123456789abcdef"), null);

        using var response = await _host.PostRawAsync(ghost, """{"id":"m1","text":"hi"}""");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await ProblemJson.ReadAsync(response);
    }

    [Theory]
    [InlineData("""{"text":"hi"}""", "id")]
    [InlineData("""{"id":"","text":"hi"}""", "id")]
    [InlineData("""{"id":"m1"}""", "text")]
    [InlineData("""{"id":"m1","text":"hi","button":{"questionId":"q","value":"1"}}""", "text")]
    [InlineData("""{"id":"m1","text":"   "}""", "text")]
    [InlineData("""{"id":"m1","button":{"value":"1"}}""", "button.questionId")]
    [InlineData("""{"id":"m1","button":{"questionId":"q"}}""", "button.value")]
    public async Task RejectsABadFieldNamingIt(string json, string field)
    {
        var opened = await _host.OpenAsync();

        using var response = await _host.PostRawAsync(opened, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ProblemJson.ReadAsync(response);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {problem}");
    }

    [Fact]
    public async Task RejectsTextOverTheConfiguredLength()
    {
        await using var host = await WebChatTestHost.StartAsync(new Dictionary<string, string?> { ["WebChat:MaxTextLength"] = "10" });
        var opened = await host.OpenAsync();

        using var ok = await host.PostRawAsync(opened, """{"id":"m1","text":"0123456789"}""");
        using var tooLong = await host.PostRawAsync(opened, """{"id":"m2","text":"01234567890"}""");

        Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        var problem = await ProblemJson.ReadAsync(tooLong);
        Assert.Contains("10", problem.GetProperty("errors").GetProperty("text")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RejectsAnIdOverTheLimit()
    {
        var opened = await _host.OpenAsync();
        var id = new string('x', WebChatOptionsValidator.MaxMessageIdLength + 1);

        using var response = await _host.PostRawAsync(opened, $$"""{"id":"{{id}}","text":"hi"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ProblemJson.ReadAsync(response)).GetProperty("errors").TryGetProperty("id", out _));
    }

    [Theory]
    [InlineData("{\"id\":\"m1\",\"text\":", "text")]
    [InlineData("not json", "body")]
    [InlineData("[1,2]", "body")]
    [InlineData("null", "body")]
    [InlineData("", "body")]
    [InlineData("""{"id":"m1","text":5}""", "text")]
    [InlineData("""{"id":"m1","button":"yes"}""", "button")]
    public async Task RejectsMalformedJsonWithABadRequest(string json, string field)
    {
        var opened = await _host.OpenAsync();

        using var response = await _host.PostRawAsync(opened, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ProblemJson.ReadAsync(response);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {problem}");
    }

    [Fact]
    public async Task RejectsABodyOverTheLimitWith413()
    {
        var opened = await _host.OpenAsync();
        var padding = new string(' ', 40 * 1024);

        using var response = await _host.PostRawAsync(opened, $$"""{"id":"m1",{{padding}}"text":"hi"}""");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await ProblemJson.ReadAsync(response);
    }

    [Fact]
    public async Task AnOutboundMessageAppearsInTheTranscript()
    {
        var opened = await _host.OpenAsync();
        var address = new ConversationAddress("webchat", opened.ConversationId);
        var question = new OutboundQuestion("nps", QuestionKind.Rating, [new OutboundOption("0", "0"), new OutboundOption("10", "10")], Skippable: true);

        Assert.Equal(SendStatus.Delivered, (await _host.Adapter.SendAsync(address, new OutboundMessage("Hello!"), Ct)).Status);
        Assert.Equal(SendStatus.Delivered, (await _host.Adapter.SendAsync(address, new OutboundMessage("How likely…?", question), Ct)).Status);

        using var all = await GetAsync($"/api/webchat/conversations/{opened.ConversationId}/messages?after=0", opened.Token);
        using var later = await GetAsync($"/api/webchat/conversations/{opened.ConversationId}/messages?after=1&access_token={opened.Token}", token: null);

        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        var messages = await all.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(2, messages.GetArrayLength());
        Assert.Equal(1, messages[0].GetProperty("seq").GetInt64());
        Assert.Equal("Hello!", messages[0].GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Null, messages[0].GetProperty("question").ValueKind);
        Assert.Equal(_host.Time.GetUtcNow(), messages[0].GetProperty("sentAt").GetDateTimeOffset());
        var q = messages[1].GetProperty("question");
        Assert.Equal("nps", q.GetProperty("id").GetString());
        Assert.Equal("rating", q.GetProperty("kind").GetString());
        Assert.True(q.GetProperty("skippable").GetBoolean());
        Assert.Equal("10", q.GetProperty("options")[1].GetProperty("value").GetString());

        var rest = await later.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(2, Assert.Single(rest.EnumerateArray()).GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task ReadingMessagesNeedsTheToken()
    {
        var opened = await _host.OpenAsync();

        using var response = await GetAsync($"/api/webchat/conversations/{opened.ConversationId}/messages", token: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task RejectsANegativeAfter()
    {
        var opened = await _host.OpenAsync();

        using var response = await GetAsync($"/api/webchat/conversations/{opened.ConversationId}/messages?after=-1", opened.Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task EventsStreamDeliversMessagesAndResumesAfterLastEventId()
    {
        var opened = await _host.OpenAsync();
        var address = new ConversationAddress("webchat", opened.ConversationId);
        await _host.Adapter.SendAsync(address, new OutboundMessage("first"), Ct);

        using var stream = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/webchat/conversations/{opened.ConversationId}/events?access_token={opened.Token}");
        request.Headers.Add("Last-Event-ID", "1");
        using var response = await _host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stream.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);

        // Sent after the stream opened: it must arrive live, and "first" (id 1) must not be repeated.
        await _host.Adapter.SendAsync(address, new OutboundMessage("second"), Ct);

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stream.Token), Encoding.UTF8);
        var lines = new List<string>();
        while (await reader.ReadLineAsync(stream.Token) is { } line)
        {
            if (line.Length == 0 && lines.Count > 0)
            {
                break;
            }

            lines.Add(line);
        }

        Assert.Contains("event: message", lines);
        Assert.Contains("id: 2", lines);
        var data = JsonDocument.Parse(lines.Single(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..]);
        Assert.Equal("second", data.RootElement.GetProperty("text").GetString());
        Assert.Equal(2, data.RootElement.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task EventsNeedTheToken()
    {
        var opened = await _host.OpenAsync();

        using var response = await GetAsync($"/api/webchat/conversations/{opened.ConversationId}/events?access_token=wrong", token: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task TheQueryTokenIsNotAcceptedForPosts()
    {
        var opened = await _host.OpenAsync();

        using var response = await _host.Client.PostAsJsonAsync(
            $"/api/webchat/conversations/{opened.ConversationId}/messages?access_token={opened.Token}", new { id = "m1", text = "hi" }, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task<HttpResponseMessage> GetAsync(string url, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await _host.Client.SendAsync(request, Ct);
    }
}
