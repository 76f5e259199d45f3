using System.Net.Http.Json;
using System.Text.Json;
using ChatFeedback.Adapters.Teams;
using ChatFeedback.Bot.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace ChatFeedback.Bot.Tests.Teams;

/// <summary>
/// The real service with the Teams channel configured for real authentication: channel tokens checked against
/// <see cref="FakeIdentityProvider"/>, outbound tokens from <see cref="FakeTokenEndpoint"/> through MSAL, and a
/// WireMock Bot Connector allowed as a service URL. Send limits are raised so a fast conversation is not throttled.
/// </summary>
internal sealed class TeamsAuthenticatedFactory(FakeIdentityProvider login, FakeTokenEndpoint tokens, string connectorUrl)
    : WebApplicationFactory<Program>
{
    public const string AppId = "2f1e6c53-9d2a-4b7e-8c1f-3a5d9e0b7c42";
    public const string TenantId = "5e1d7c9a-4b3f-4e2d-9a8c-1f0b2c3d4e5f";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // UseSetting: AddTeams reads its section while Program runs.
        var settings = new Dictionary<string, string?>
        {
            ["Flows:Path"] = RepoPaths.Flows,
            ["Teams:AppId"] = AppId,
            ["Teams:AppPassword"] = "not-a-real-secret",
            ["Teams:AppType"] = "SingleTenant",
            ["Teams:TenantId"] = TenantId,
            ["Teams:OpenIdMetadataUrl"] = login.ChannelMetadataUrl,
            ["Teams:TokenAuthority"] = tokens.Url,
            ["Teams:AllowedServiceUrls:0"] = connectorUrl,
            ["Teams:PerConversationPerSecond"] = "1000",
            ["Teams:PerConversationBurst"] = "1000",
            ["Teams:GlobalPerSecond"] = "1000",
            ["Teams:GlobalBurst"] = "1000",
        };
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        // MSAL talks https only: the token client (alone) trusts the fake endpoint's self-signed certificate.
        builder.ConfigureTestServices(services =>
            services.AddHttpClient(TeamsServiceCollectionExtensions.TokenHttpClientName)
                .ConfigurePrimaryHttpMessageHandler(FakeTokenEndpoint.TrustingHandler));
    }
}

/// <summary>The Bot Connector on loopback: accepts every activity sent into a conversation and records it.</summary>
internal sealed class FakeTeamsConnector : IDisposable
{
    public const string PathPrefix = "/_connector";

    public FakeTeamsConnector()
    {
        Server.Given(Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher(PathPrefix + "/v3/conversations/*")))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"id":"sent-1"}"""));
    }

    public WireMockServer Server { get; } = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });

    /// <summary>The activity's serviceUrl: the connector's base, with a path as Teams' regional URLs have.</summary>
    public string ServiceUrl => Server.Url + PathPrefix + "/";

    public IReadOnlyList<WireMock.Logging.ILogEntry> Calls => [.. Server.LogEntries.OrderBy(e => e.RequestMessage!.DateTime)];

    public IReadOnlyList<WireMock.Logging.ILogEntry> CallsTo(string conversationId) =>
        [.. Calls.Where(e => e.RequestMessage!.Path.StartsWith($"{PathPrefix}/v3/conversations/{conversationId}/", StringComparison.Ordinal))];

    public void Dispose() => Server.Stop();
}

/// <summary>
/// One Teams user in a personal chat with the bot: sends signed activities (typed text, Adaptive Card submissions as
/// message activities carrying <c>value</c> {q, v}, <c>Action.Execute</c> invokes) and reads what the bot sent back.
/// </summary>
internal sealed class TeamsUser(HttpClient client, FakeTeamsConnector connector, TestKey key, string conversationId)
{
    private int _next;
    private int _seen;

    public string ConversationId => conversationId;

    /// <summary>The last card the bot sent into this conversation.</summary>
    public JsonElement? LastCard { get; private set; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public Task<HttpResponseMessage> SayAsync(string text) => PostAsync(Activity("message", text, value: null));

    /// <summary>Presses the button labelled <paramref name="label"/> on the last card, as an Action.Submit does: a message with its data as value.</summary>
    public Task<HttpResponseMessage> SubmitAsync(string label) => PostAsync(Activity("message", text: null, value: ButtonData(label)));

    /// <summary>Presses the button as an Action.Execute does: an <c>adaptiveCard/action</c> invoke.</summary>
    public Task<HttpResponseMessage> ExecuteAsync(string label)
    {
        var activity = Activity("invoke", text: null, value: new { action = new { type = "Action.Execute", verb = "answer", data = ButtonData(label) } });
        activity["name"] = "adaptiveCard/action";
        return PostAsync(activity);
    }

    /// <summary>Waits for exactly the next <paramref name="count"/> activities sent into this conversation.</summary>
    public async Task<IReadOnlyList<JsonElement>> RepliesAsync(int count)
    {
        for (var i = 0; i < 500; i++)
        {
            var calls = connector.CallsTo(conversationId);
            if (calls.Count >= _seen + count)
            {
                await Task.Delay(100, Ct); // nothing more should follow
                calls = connector.CallsTo(conversationId);
                Assert.True(calls.Count == _seen + count, $"expected {count} replies, got {calls.Count - _seen}");
                var replies = calls.Skip(_seen).Select(e => JsonDocument.Parse(e.RequestMessage!.Body!).RootElement.Clone()).ToList();
                _seen = calls.Count;
                foreach (var reply in replies)
                {
                    if (Card(reply) is { } card)
                    {
                        LastCard = card;
                    }
                }

                return replies;
            }

            await Task.Delay(20, Ct);
        }

        throw new TimeoutException($"expected {count} replies in {conversationId}, saw {connector.CallsTo(conversationId).Count - _seen}");
    }

    public async Task<JsonElement> ReplyAsync() => (await RepliesAsync(1))[0];

    /// <summary>The Adaptive Card of a reply, or null for a text message.</summary>
    public static JsonElement? Card(JsonElement reply) =>
        reply.TryGetProperty("attachments", out var attachments) && attachments.GetArrayLength() > 0
            && attachments[0].GetProperty("contentType").GetString() == "application/vnd.microsoft.card.adaptive"
            ? attachments[0].GetProperty("content")
            : null;

    /// <summary>Every button of a card: title and data.</summary>
    public static IReadOnlyList<(string Title, JsonElement Data)> Buttons(JsonElement card) =>
        [.. card.GetProperty("body").EnumerateArray()
            .Where(b => b.GetProperty("type").GetString() == "ActionSet")
            .SelectMany(b => b.GetProperty("actions").EnumerateArray())
            .Select(a => (a.GetProperty("title").GetString()!, a.GetProperty("data")))];

    private JsonElement ButtonData(string label)
    {
        Assert.NotNull(LastCard);
        var buttons = Buttons(LastCard.Value);
        var match = buttons.Where(b => b.Title == label).ToList();
        Assert.True(match.Count == 1, $"no button '{label}' on the last card; it has: {string.Join(", ", buttons.Select(b => b.Title))}");
        return match[0].Data;
    }

    private Dictionary<string, object?> Activity(string type, string? text, object? value)
    {
        var id = $"{conversationId}-{++_next}";
        var activity = new Dictionary<string, object?>
        {
            ["type"] = type,
            ["id"] = id,
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["channelId"] = "msteams",
            ["serviceUrl"] = connector.ServiceUrl,
            ["from"] = new { id = "29:user-" + conversationId, name = "Megan Bowen" },
            ["conversation"] = new { id = conversationId, conversationType = "personal", tenantId = TeamsAuthenticatedFactory.TenantId },
            ["recipient"] = new { id = "28:" + TeamsAuthenticatedFactory.AppId, name = "ChatFeedback" },
            ["channelData"] = new { tenant = new { id = TeamsAuthenticatedFactory.TenantId } },
            ["locale"] = "en-US",
        };
        if (text is not null)
        {
            activity["text"] = text;
        }

        if (value is not null)
        {
            activity["value"] = value;
        }

        return activity;
    }

    private async Task<HttpResponseMessage> PostAsync(Dictionary<string, object?> activity)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = JsonContent.Create(activity) };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Tokens.Channel(key, TeamsAuthenticatedFactory.AppId, connector.ServiceUrl, DateTimeOffset.UtcNow));
        return await client.SendAsync(request, Ct);
    }
}
