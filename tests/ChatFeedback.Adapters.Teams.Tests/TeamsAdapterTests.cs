using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ChatFeedback.Adapters.Teams.Tests;

/// <summary>Outbound: the exact connector requests, tokens from MSAL against an https token endpoint, and error mapping.</summary>
public sealed class TeamsAdapterTests : IDisposable
{
    private const string ConversationId = "a:1;messageid=2";
    private const string UserId = "29:1GcS4EN60BGbB4zWj9kZ3ZxCKqV8sW2hRkbAp4XnYwz1aQ";

    private readonly FakeConnector connector = new();
    private readonly FakeTokenEndpoint tokenEndpoint = new();
    private readonly FakeTimeProvider time = new(TeamsHost.Start);
    private readonly List<Uri> sentUris = [];
    private ServiceProvider? provider;

    public void Dispose()
    {
        provider?.Dispose();
        connector.Dispose();
        tokenEndpoint.Dispose();
    }

    /// <summary>The connector lives under a path without a trailing slash, like the Playground's <c>/_connector</c>.</summary>
    private string ServiceUrl => connector.Url + "/amer";

    private ConversationAddress To => new("msteams", ConversationId, UserId, ServiceUrl, TeamsHost.TenantId);

    private TeamsAdapter Adapter(bool anonymous = false, bool allowConnector = true)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Teams:AppId"] = anonymous ? null : TeamsHost.AppId,
            ["Teams:AppPassword"] = anonymous ? null : "not-a-real-secret",
            ["Teams:AppType"] = "MultiTenant",
            ["Teams:AllowAnonymous"] = anonymous ? "true" : "false",
            ["Teams:TokenAuthority"] = tokenEndpoint.Url,
            ["Teams:AllowedServiceUrls:0"] = allowConnector ? connector.Url : "https://smba.trafficmanager.net/",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton<TimeProvider>(time);
        services.AddTeams(configuration);

        // MSAL talks https only: trust the test server's self-signed certificate, for the token client alone.
        services.AddHttpClient(TeamsServiceCollectionExtensions.TokenHttpClientName)
            .ConfigurePrimaryHttpMessageHandler(FakeTokenEndpoint.TrustingHandler);

        // The server sees the decoded path; record the request URI as the client puts it on the wire.
        services.AddHttpClient(TeamsServiceCollectionExtensions.ConnectorHttpClientName)
            .AddHttpMessageHandler(() => new UriRecorder(sentUris));
        provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        return provider.GetRequiredService<TeamsAdapter>();
    }

    private static OutboundMessage Question => new(
        "How satisfied are you with your delivery?",
        new OutboundQuestion("csat", QuestionKind.Rating, [new("1", "1"), new("2", "2"), new("3", "3"), new("4", "4"), new("5", "5")]));

    [Fact]
    public async Task PostsTheActivityToTheEscapedConversationUnderTheServiceUrlPath()
    {
        connector.Answer("/amer/v3/conversations/", 201, """{"id":"1772443500001"}""", ("X-Correlating-OperationId", "op-1"));
        var adapter = Adapter();

        var result = await adapter.SendActivityAsync(To, Question, TestContext.Current.CancellationToken);

        Assert.Equal(SendStatus.Delivered, result.Result.Status);
        Assert.Equal("1772443500001", result.ActivityId);
        var call = Assert.Single(connector.Calls);
        Assert.Equal("POST", call.RequestMessage!.Method);
        Assert.Equal("/amer/v3/conversations/a:1;messageid=2/activities", call.RequestMessage.Path);
        Assert.Equal($"{connector.Url}/amer/v3/conversations/a%3A1%3Bmessageid%3D2/activities", Assert.Single(sentUris).AbsoluteUri);
        Assert.Equal("Bearer token-1", FakeConnector.Header(call, "Authorization"));
        Assert.StartsWith("application/json", FakeConnector.Header(call, "Content-Type"), StringComparison.Ordinal);

        var body = FakeConnector.Body(call);
        Assert.Equal("message", body.GetProperty("type").GetString());
        Assert.Equal(ConversationId, body.GetProperty("conversation").GetProperty("id").GetString());
        Assert.Equal(TeamsHost.TenantId, body.GetProperty("conversation").GetProperty("tenantId").GetString());
        Assert.Equal("28:" + TeamsHost.AppId, body.GetProperty("from").GetProperty("id").GetString());
        Assert.Equal(UserId, body.GetProperty("recipient").GetProperty("id").GetString());
        var attachment = Assert.Single(body.GetProperty("attachments").EnumerateArray().ToList());
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
        Assert.Equal("AdaptiveCard", attachment.GetProperty("content").GetProperty("type").GetString());
    }

    [Fact]
    public async Task RequestsTheTokenFromTheBotFrameworkTenantWithTheConnectorScope()
    {
        connector.Answer("/amer/v3/", 201);
        var adapter = Adapter();

        await adapter.SendAsync(To, new OutboundMessage("hi"), TestContext.Current.CancellationToken);

        var request = Assert.Single(tokenEndpoint.Calls).RequestMessage!;
        Assert.Equal("/botframework.com/oauth2/v2.0/token", request.Path);
        var form = System.Web.HttpUtility.ParseQueryString(request.Body!);
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal(TeamsHost.AppId, form["client_id"]);
        Assert.Equal("https://api.botframework.com/.default", form["scope"]);
    }

    [Fact]
    public async Task CachesTheTokenAcrossSends()
    {
        connector.Answer("/amer/v3/", 201);
        var adapter = Adapter();

        for (var i = 0; i < 5; i++)
        {
            var result = await adapter.SendAsync(To, new OutboundMessage($"message {i}"), TestContext.Current.CancellationToken);
            Assert.Equal(SendStatus.Delivered, result.Status);
        }

        Assert.Single(tokenEndpoint.Requests);
        Assert.All(connector.Calls, c => Assert.Equal("Bearer token-1", FakeConnector.Header(c, "Authorization")));
    }

    [Fact]
    public async Task RenewsTheTokenOnceAndRetriesOnceOn401()
    {
        connector.Sequence("/amer/v3/", 401, 201);
        var adapter = Adapter();

        var result = await adapter.SendAsync(To, new OutboundMessage("hi"), TestContext.Current.CancellationToken);

        Assert.Equal(SendStatus.Delivered, result.Status);
        Assert.Equal(2, tokenEndpoint.Requests.Count);
        Assert.Equal(["Bearer token-1", "Bearer token-2"], connector.Calls.Select(c => FakeConnector.Header(c, "Authorization")));
    }

    [Fact]
    public async Task FailsAfterASecond401()
    {
        connector.Answer("/amer/v3/", 401, """{"error":{"code":"BotNotRegistered"}}""");
        var adapter = Adapter();

        var result = await adapter.SendAsync(To, new OutboundMessage("hi"), TestContext.Current.CancellationToken);

        Assert.Equal(SendStatus.Failed, result.Status);
        Assert.Equal(2, connector.Calls.Count);
        Assert.Equal(2, tokenEndpoint.Requests.Count);
    }

    [Fact]
    public async Task MapsThrottlingToRetryableWithRetryAfter()
    {
        connector.Answer("/amer/v3/", 429, """{"error":{"code":"Throttled"}}""", ("Retry-After", "7"));
        var adapter = Adapter();

        var result = await adapter.SendAsync(To, new OutboundMessage("hi"), TestContext.Current.CancellationToken);

        Assert.Equal(SendStatus.Retryable, result.Status);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
        Assert.Single(connector.Calls);
    }

    [Theory]
    [InlineData(403, """{"error":{"code":"ConversationBlockedByUser","message":"User blocked the conversation with the bot."}}""", SendStatus.Unreachable)]
    [InlineData(403, """{"error":{"code":"Forbidden","message":"","subCode":"MessageWritesBlocked"}}""", SendStatus.Unreachable)]
    [InlineData(403, """{"error":{"code":"BotNotInConversationRoster","message":"The bot is not part of the conversation roster."}}""", SendStatus.Unreachable)]
    [InlineData(403, """{"error":{"code":"BotDisabledByAdmin"}}""", SendStatus.Failed)]
    [InlineData(404, """{"error":{"code":"ConversationNotFound","message":"Conversation not found."}}""", SendStatus.Unreachable)]
    [InlineData(400, """{"error":{"code":"BadArgument"}}""", SendStatus.Failed)]
    [InlineData(413, """{"error":{"code":"MessageSizeTooBig"}}""", SendStatus.Failed)]
    [InlineData(500, """{"error":{"code":"ServiceError"}}""", SendStatus.Failed)]
    [InlineData(412, """{"error":{"code":"PreconditionFailed"}}""", SendStatus.Retryable)]
    [InlineData(502, "", SendStatus.Retryable)]
    [InlineData(503, "", SendStatus.Retryable)]
    [InlineData(504, "", SendStatus.Retryable)]
    public async Task MapsConnectorErrors(int status, string body, SendStatus expected)
    {
        connector.Answer("/amer/v3/", status, body);
        var adapter = Adapter();

        var result = await adapter.SendAsync(To, new OutboundMessage("hi"), TestContext.Current.CancellationToken);

        Assert.Equal(expected, result.Status);
        Assert.Single(connector.Calls);
    }

    [Fact]
    public async Task RefusesServiceUrlsThatAreNotAllowedWithoutAnyHttpCall()
    {
        connector.Answer("/amer/v3/", 201);
        var adapter = Adapter(allowConnector: false);

        var result = await adapter.SendAsync(To, new OutboundMessage("hi"), TestContext.Current.CancellationToken);

        Assert.Equal(SendStatus.Failed, result.Status);
        Assert.Empty(connector.Calls);
        Assert.Empty(tokenEndpoint.Requests);
    }

    [Fact]
    public async Task SendsWithoutAuthorizationInAnonymousMode()
    {
        connector.Answer("/amer/v3/", 201);
        var adapter = Adapter(anonymous: true);

        var result = await adapter.SendAsync(To, new OutboundMessage("hi"), TestContext.Current.CancellationToken);

        Assert.Equal(SendStatus.Delivered, result.Status);
        Assert.Null(FakeConnector.Header(Assert.Single(connector.Calls), "Authorization"));
        Assert.Empty(tokenEndpoint.Requests);
    }

    [Fact]
    public async Task UpdatesAnActivityWithPut()
    {
        connector.Answer("/amer/v3/", 200, """{"id":"1772442990001"}""");
        var adapter = Adapter();

        var result = await adapter.UpdateActivityAsync(To, "1772442990001", new OutboundMessage("answered"), TestContext.Current.CancellationToken);

        Assert.Equal(SendStatus.Delivered, result.Result.Status);
        var call = Assert.Single(connector.Calls);
        Assert.Equal("PUT", call.RequestMessage!.Method);
        Assert.Equal($"{connector.Url}/amer/v3/conversations/a%3A1%3Bmessageid%3D2/activities/1772442990001", Assert.Single(sentUris).AbsoluteUri);
        Assert.Equal("1772442990001", FakeConnector.Body(call).GetProperty("id").GetString());
    }

    [Fact]
    public async Task CreatesAOneToOneConversationForProactiveMessages()
    {
        connector.Answer("/amer/v3/conversations", 201, """{"id":"a:1NewConversationId"}""");
        var adapter = Adapter();
        var user = new ConversationAddress("msteams", "19:old@thread.tacv2", UserId, ServiceUrl, TeamsHost.TenantId, IsGroup: true);

        var created = await adapter.CreateConversationAsync(user, TestContext.Current.CancellationToken);

        Assert.Equal(SendStatus.Delivered, created.Result.Status);
        Assert.Equal(new ConversationAddress("msteams", "a:1NewConversationId", UserId, ServiceUrl, TeamsHost.TenantId, IsGroup: false), created.Address);
        var call = Assert.Single(connector.Calls);
        Assert.Equal("/amer/v3/conversations", call.RequestMessage!.Path);
        var body = FakeConnector.Body(call);
        Assert.Equal("28:" + TeamsHost.AppId, body.GetProperty("bot").GetProperty("id").GetString());
        Assert.Equal(UserId, Assert.Single(body.GetProperty("members").EnumerateArray().ToList()).GetProperty("id").GetString());
        Assert.False(body.GetProperty("isGroup").GetBoolean());
        Assert.Equal(TeamsHost.TenantId, body.GetProperty("tenantId").GetString());
        Assert.Equal(TeamsHost.TenantId, body.GetProperty("channelData").GetProperty("tenant").GetProperty("id").GetString());
    }

    [Fact]
    public async Task ReportsUnreachableWhenTheBotIsNotInstalledForTheUser()
    {
        connector.Answer("/amer/v3/conversations", 403, """{"error":{"code":"BotNotInConversationRoster"}}""");
        var adapter = Adapter();

        var created = await adapter.CreateConversationAsync(To, TestContext.Current.CancellationToken);

        Assert.Equal(SendStatus.Unreachable, created.Result.Status);
        Assert.Null(created.Address);
    }

    [Fact]
    public async Task RefusesOtherChannels()
    {
        var adapter = Adapter();

        var result = await adapter.SendAsync(To with { ChannelId = "telegram" }, new OutboundMessage("hi"), TestContext.Current.CancellationToken);

        Assert.Equal(SendStatus.Failed, result.Status);
        Assert.Empty(connector.Calls);
    }

    [Fact]
    public void PublishesTheTeamsLimits()
    {
        var adapter = Adapter();

        Assert.Equal("msteams", adapter.ChannelId);
        Assert.Equal(new ChannelRateLimits(7, 7, 30, 40, 40), ((IChannelAdapter)adapter).Limits);
    }

    [Fact]
    public void ReadsRetryAfterDates()
    {
        var now = TeamsHost.Start;
        var header = new System.Net.Http.Headers.RetryConditionHeaderValue(now.AddSeconds(30));

        var result = TeamsAdapter.ToSendResult(System.Net.HttpStatusCode.TooManyRequests, header, "", now);

        Assert.Equal(TimeSpan.FromSeconds(30), result.RetryAfter);
    }
}

/// <summary>Records the URI of every request that passes, then sends it on.</summary>
internal sealed class UriRecorder(List<Uri> uris) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (uris)
        {
            uris.Add(request.RequestUri!);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
