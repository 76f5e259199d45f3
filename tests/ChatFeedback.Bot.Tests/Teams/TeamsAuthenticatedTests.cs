using System.Net;
using System.Text.Json;
using ChatFeedback.Bot.Conversations;

namespace ChatFeedback.Bot.Tests.Teams;

/// <summary>
/// The Teams channel through the real host with real authentication: every inbound activity carries a channel token
/// signed by a key from the (fake) Bot Framework key set, endorsed for <c>msteams</c>; every outbound call carries
/// the bearer token MSAL obtained from the (fake) Entra token endpoint over https.
/// </summary>
public sealed class TeamsAuthenticatedTests : IAsyncDisposable
{
    private const string Survey = "post-purchase-survey";
    private const string Complaint = "complaint";

    private readonly TestKey _key = new("bf-key-1", "msteams", "webchat");
    private readonly FakeIdentityProvider _login;
    private readonly FakeTokenEndpoint _tokens = new(TeamsAuthenticatedFactory.TenantId);
    private readonly FakeTeamsConnector _connector = new();
    private readonly TeamsAuthenticatedFactory _host;
    private readonly HttpClient _client;

    public TeamsAuthenticatedTests()
    {
        _login = new FakeIdentityProvider().ChannelKeys(_key);
        _host = new TeamsAuthenticatedFactory(_login, _tokens, _connector.Server.Url!);
        _client = _host.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        _connector.Dispose();
        _tokens.Dispose();
        _login.Dispose();
        _key.Dispose();
    }

    [Fact]
    public async Task SignedCustomerTakesTheWholeSurveyWithCardSubmissionsAndTyping()
    {
        var user = new TeamsUser(_client, _connector, _key, "a:survey-1");

        Ok(await user.SayAsync("hello"));
        var hello = await user.RepliesAsync(2);
        Assert.StartsWith("Hello", Text(hello[0]), StringComparison.Ordinal);
        AssertQuestion(hello[1], "menu", "main", "Take the survey", "Make a complaint");

        Ok(await user.SubmitAsync("Take the survey"));
        var intro = await user.RepliesAsync(2);
        Assert.NotNull(Text(intro[0]));
        AssertQuestion(intro[1], Survey, "product_quality", "Very satisfied", "Neutral");
        Assert.Contains("How satisfied are you with the quality of the product", CardText(intro[1]), StringComparison.Ordinal);

        Ok(await user.SubmitAsync("Very satisfied"));
        AssertQuestion(await user.ReplyAsync(), Survey, "service_experience", "Very satisfied");

        Ok(await user.SayAsync("4"));
        AssertQuestion(await user.ReplyAsync(), Survey, "process_efficiency", "Neutral");

        Ok(await user.SubmitAsync("Neutral"));
        AssertQuestion(await user.ReplyAsync(), Survey, "brand_trust", "Very satisfied");

        Ok(await user.SayAsync("satisfied"));
        AssertQuestion(await user.ReplyAsync(), Survey, "nps", "0", "9", "10");

        Ok(await user.SubmitAsync("9"));
        AssertQuestion(await user.ReplyAsync(), Survey, "effort", "Very easy");

        Ok(await user.SubmitAsync("Very easy"));
        AssertQuestion(await user.ReplyAsync(), Survey, "comment", "Skip");

        Ok(await user.SayAsync("Fast delivery & great quality <3"));
        var thanks = await user.ReplyAsync();
        Assert.Null(TeamsUser.Card(thanks));
        Assert.False(string.IsNullOrWhiteSpace(Text(thanks)));

        var calls = _connector.CallsTo(user.ConversationId);
        Assert.Equal(11, calls.Count);
        AssertSentWithConnectorToken(calls, user.ConversationId);
        AssertOneTokenRequest();
    }

    [Fact]
    public async Task SignedCustomerFilesAComplaintPressingCardButtonsAndTyping()
    {
        var user = new TeamsUser(_client, _connector, _key, "a:complaint-1");

        Ok(await user.SayAsync("/complaint"));
        var intro = await user.RepliesAsync(2);
        Assert.Null(TeamsUser.Card(intro[0]));
        AssertQuestion(intro[1], Complaint, "category", "Delivery", "Product quality");

        // Action.Execute: the invoke is answered in the response with the card showing the choice.
        var invoke = await user.ExecuteAsync("Delivery");
        Ok(invoke);
        using (var answered = JsonDocument.Parse(await invoke.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)))
        {
            Assert.Equal(200, answered.RootElement.GetProperty("statusCode").GetInt32());
            Assert.Equal("application/vnd.microsoft.card.adaptive", answered.RootElement.GetProperty("type").GetString());
            var body = answered.RootElement.GetProperty("value").GetProperty("body");
            Assert.Equal("✓ Delivery", body[body.GetArrayLength() - 1].GetProperty("text").GetString());
        }

        var description = await user.ReplyAsync();
        Assert.Null(TeamsUser.Card(description)); // free text: no card

        Ok(await user.SayAsync("late"));
        var again = await user.RepliesAsync(2);
        Assert.Contains("10", Text(again[0]), StringComparison.Ordinal);
        Assert.Equal(Text(description), Text(again[1]));

        Ok(await user.SayAsync("The parcel arrived two weeks late & the box was crushed."));
        AssertQuestion(await user.ReplyAsync(), Complaint, "order_number", "Skip");

        Ok(await user.SubmitAsync("Skip"));
        AssertQuestion(await user.ReplyAsync(), Complaint, "desired_outcome", "Refund", "Replacement");

        Ok(await user.SubmitAsync("Refund"));
        AssertQuestion(await user.ReplyAsync(), Complaint, "contact_permission", "Yes", "No");

        Ok(await user.SubmitAsync("Yes"));
        var confirmed = await user.ReplyAsync();
        Assert.Null(TeamsUser.Card(confirmed));
        Assert.False(string.IsNullOrWhiteSpace(Text(confirmed)));

        var calls = _connector.CallsTo(user.ConversationId);
        Assert.Equal(9, calls.Count);
        AssertSentWithConnectorToken(calls, user.ConversationId);
        AssertOneTokenRequest();
    }

    [Fact]
    public async Task TwoConversationsShareOneConnectorToken()
    {
        var first = new TeamsUser(_client, _connector, _key, "a:share-1");
        var second = new TeamsUser(_client, _connector, _key, "a:share-2");

        Ok(await first.SayAsync("hello"));
        Ok(await second.SayAsync("hello"));
        await first.RepliesAsync(2);
        await second.RepliesAsync(2);
        Ok(await first.SubmitAsync("Take the survey"));
        await first.RepliesAsync(2);

        Assert.Equal(6, _connector.Calls.Count);
        AssertSentWithConnectorToken(_connector.CallsTo(first.ConversationId), first.ConversationId);
        AssertSentWithConnectorToken(_connector.CallsTo(second.ConversationId), second.ConversationId);
        AssertOneTokenRequest();
        Assert.Equal(1, _login.Downloads(FakeIdentityProvider.ChannelMetadataPath)); // keys cached across requests
        Assert.Equal(1, _login.Downloads(FakeIdentityProvider.ChannelKeysPath));
    }

    [Fact]
    public async Task ATokenSignedByAForeignKeyIsRefusedAndNothingIsSent()
    {
        // Same kid as the published key, but a key the Bot Framework never published.
        using var foreign = new TestKey(_key.Kid, "msteams");
        var intruder = new TeamsUser(_client, _connector, foreign, "a:intruder-1");

        var response = await intruder.SayAsync("hello");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        // A foreign key under an unknown kid is refused as well.
        using var unknown = new TestKey("not-published", "msteams");
        var response2 = await new TeamsUser(_client, _connector, unknown, "a:intruder-2").SayAsync("hello");
        Assert.Equal(HttpStatusCode.Unauthorized, response2.StatusCode);

        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Empty(_connector.Calls);
        Assert.Empty(_tokens.Requests);

        // The genuine key still works afterwards.
        var genuine = new TeamsUser(_client, _connector, _key, "a:intruder-1");
        Ok(await genuine.SayAsync("hello"));
        await genuine.RepliesAsync(2);
    }

    [Fact]
    public async Task ATokenWhoseServiceUrlClaimDiffersFromTheActivityIsRefused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new
            {
                type = "message",
                id = "x1",
                channelId = "msteams",
                serviceUrl = _connector.ServiceUrl,
                from = new { id = "29:x" },
                conversation = new { id = "a:x" },
                recipient = new { id = "28:" + TeamsAuthenticatedFactory.AppId },
                text = "hello",
            }),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Tokens.Channel(_key, TeamsAuthenticatedFactory.AppId, "https://attacker.example/", DateTimeOffset.UtcNow));

        var response = await _client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Empty(_connector.Calls);
    }

    private static void Ok(HttpResponseMessage response) => Assert.Equal(HttpStatusCode.OK, response.StatusCode);

    private static string? Text(JsonElement reply) =>
        reply.TryGetProperty("text", out var text) ? text.GetString() : null;

    private static string CardText(JsonElement reply) => TeamsUser.Card(reply)!.Value.GetProperty("body")[0].GetProperty("text").GetString()!;

    /// <summary>The reply is a question card for <paramref name="flow"/>/<paramref name="step"/> offering at least <paramref name="labels"/>.</summary>
    private static void AssertQuestion(JsonElement reply, string flow, string step, params string[] labels)
    {
        Assert.Equal("message", reply.GetProperty("type").GetString());
        var card = TeamsUser.Card(reply);
        Assert.True(card is not null, $"expected a card for {flow}/{step}, got {reply}");
        Assert.Equal("AdaptiveCard", card.Value.GetProperty("type").GetString());
        var buttons = TeamsUser.Buttons(card.Value);
        Assert.NotEmpty(buttons);
        var key = QuestionKeys.For(flow, step);
        Assert.All(buttons, b => Assert.Equal(key, b.Data.GetProperty("q").GetString()));
        foreach (var label in labels)
        {
            Assert.Contains(label, buttons.Select(b => b.Title));
        }
    }

    private static void AssertSentWithConnectorToken(IReadOnlyList<WireMock.Logging.ILogEntry> calls, string conversationId)
    {
        Assert.NotEmpty(calls);
        Assert.All(calls, call =>
        {
            var request = call.RequestMessage!;
            Assert.Equal("POST", request.Method);
            Assert.Equal($"{FakeTeamsConnector.PathPrefix}/v3/conversations/{conversationId}/activities", request.Path);
            Assert.Equal("Bearer token-1", request.Headers!["Authorization"].ToString());
        });
    }

    private void AssertOneTokenRequest()
    {
        var request = Assert.Single(_tokens.Requests).RequestMessage!;
        Assert.Equal($"/{TeamsAuthenticatedFactory.TenantId}/oauth2/v2.0/token", request.Path);
        var form = request.Body!;
        Assert.Contains("grant_type=client_credentials", form, StringComparison.Ordinal);
        Assert.Contains("client_id=" + TeamsAuthenticatedFactory.AppId, form, StringComparison.Ordinal);
        Assert.Contains(Uri.EscapeDataString("https://api.botframework.com/.default"), form, StringComparison.OrdinalIgnoreCase);
    }
}
