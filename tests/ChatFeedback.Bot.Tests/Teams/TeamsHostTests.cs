using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatFeedback.Bot.Conversations;
using ChatFeedback.Bot.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace ChatFeedback.Bot.Tests.Teams;

/// <summary>
/// The Teams channel through the real host: Microsoft 365 Agents Playground style (anonymous local mode) against
/// WireMock as the Bot Connector, and the endpoint's absence or refusal when it is not configured for that.
/// </summary>
public sealed class TeamsHostTests : IDisposable
{
    private readonly WireMockServer _connector = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });

    public TeamsHostTests()
    {
        _connector.Given(Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher("/_connector/v3/conversations/*/activities*")).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new { id = "sent-1" }));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _connector.Dispose();

    private sealed class TeamsFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Flows:Path", RepoPaths.Flows);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }

    private object Activity(string id, string text, string conversationId = "conv-1") => new
    {
        type = "message",
        id,
        channelId = "msteams",
        serviceUrl = _connector.Url! + "/_connector",
        from = new { id = "user-id-0", name = "Alex" },
        conversation = new { id = conversationId, conversationType = "personal", tenantId = "tenant-0" },
        recipient = new { id = "bot-id-1", name = "Test Bot" },
        text,
        locale = "en-US",
    };

    private async Task<IReadOnlyList<JsonElement>> SentAsync(int count)
    {
        for (var i = 0; i < 500; i++)
        {
            var sent = _connector.LogEntries.Where(e => e.RequestMessage?.Method == "POST").ToList();
            if (sent.Count >= count)
            {
                return sent.Select(e => JsonDocument.Parse(e.RequestMessage!.Body!).RootElement).ToList();
            }

            await Task.Delay(20, Ct);
        }

        throw new TimeoutException($"expected {count} connector calls, saw {_connector.LogEntries.Count}");
    }

    [Fact]
    public async Task PlaygroundCustomerGetsTheMenuAsAnAdaptiveCardAndAnswersIt()
    {
        await using var factory = new TeamsFactory(new Dictionary<string, string?> { ["Teams:AllowAnonymous"] = "true" });
        var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync("/api/messages", Activity("a1", "hello"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = await SentAsync(2);
        Assert.Contains("Hello", sent[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        var card = sent[1].GetProperty("attachments")[0];
        Assert.Equal("application/vnd.microsoft.card.adaptive", card.GetProperty("contentType").GetString());
        var entry = _connector.LogEntries[0].RequestMessage!;
        Assert.Equal("/_connector/v3/conversations/conv-1/activities", entry.Path);
        Assert.False(entry.Headers!.ContainsKey("Authorization")); // anonymous mode sends no token

        // Typing the menu choice answers it: the survey's intro and first question follow.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/messages", Activity("a2", "Take the survey"), Ct)).StatusCode);
        var next = await SentAsync(4);
        Assert.Contains("How satisfied are you with the quality of the product", next[3].ToString(), StringComparison.Ordinal);
        Assert.Contains(QuestionKeys.For("post-purchase-survey", "product_quality"), next[3].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutCredentialsOrAnonymousModeTheEndpointIsNotServed()
    {
        await using var factory = new TeamsFactory(new Dictionary<string, string?>());

        var response = await factory.CreateClient().PostAsJsonAsync("/api/messages", Activity("a1", "hello"), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(_connector.LogEntries);
    }

    [Fact]
    public async Task WithAnAppIdARequestWithoutATokenIsRefusedAndNothingIsSent()
    {
        await using var factory = new TeamsFactory(new Dictionary<string, string?>
        {
            ["Teams:AppId"] = "11111111-2222-3333-4444-555555555555",
            ["Teams:AppPassword"] = "not-a-real-secret",
            ["Teams:TenantId"] = "66666666-7777-8888-9999-000000000000",
        });

        var response = await factory.CreateClient().PostAsJsonAsync("/api/messages", Activity("a1", "hello"), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_connector.LogEntries);
    }
}
