using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text.Json;

namespace ChatFeedback.Adapters.Teams.Tests;

/// <summary>What the endpoint does with authenticated activities: queue and acknowledge, answer invokes, refuse bad bodies.</summary>
public sealed class TeamsEndpointsTests : IDisposable
{
    private readonly TestKey key = new("key-1", "msteams");
    private readonly FakeIdentityProvider idp = new();

    public TeamsEndpointsTests() => idp.ChannelKeys(key);

    public void Dispose()
    {
        key.Dispose();
        idp.Dispose();
    }

    private string Token(TeamsHost host) => Tokens.Channel(key, TeamsHost.AppId, TeamsHost.ServiceUrl, host.Now);

    [Theory]
    [InlineData("teams-message", InboundKind.Text)]
    [InlineData("teams-card-submit", InboundKind.Button)]
    [InlineData("teams-conversation-update", InboundKind.ConversationOpened)]
    [InlineData("teams-installation-add", InboundKind.ConversationOpened)]
    [InlineData("teams-installation-remove", InboundKind.ChannelLeft)]
    public async Task QueuesActivityAndAnswers200(string fixture, InboundKind kind)
    {
        await using var host = await TeamsHost.StartAsync(idp);

        using var response = await host.PostAsync(TeamsHost.Fixture(fixture), Token(host));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(kind, Assert.Single(host.Sink.Messages).Kind);
    }

    [Fact]
    public async Task AcknowledgesMessageReactionWithoutQueueing()
    {
        await using var host = await TeamsHost.StartAsync(idp);

        using var response = await host.PostAsync(TeamsHost.Fixture("teams-message-reaction"), Token(host));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, host.Sink.Calls);
    }

    [Fact]
    public async Task AcknowledgesUnknownActivityTypeWithoutQueueing()
    {
        await using var host = await TeamsHost.StartAsync(idp);
        var body = TeamsHost.Fixture("teams-message").Replace("\"type\": \"message\"", "\"type\": \"somethingNew\"", StringComparison.Ordinal);

        using var response = await host.PostAsync(body, Token(host));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, host.Sink.Calls);
    }

    [Fact]
    public async Task AnswersMalformedJsonWith400()
    {
        await using var host = await TeamsHost.StartAsync(idp);

        using var response = await host.PostAsync("{\"type\":\"message\",", Token(host));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, host.Sink.Calls);
    }

    [Fact]
    public async Task AnswersActivityWithoutTypeWith400()
    {
        await using var host = await TeamsHost.StartAsync(idp);
        var body = $$"""{"id":"1","serviceUrl":"{{TeamsHost.ServiceUrl}}","channelId":"msteams","conversation":{"id":"a:1"},"text":"hi"}""";

        using var response = await host.PostAsync(body, Token(host));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, host.Sink.Calls);
    }

    [Fact]
    public async Task MalformedJsonWithoutTokenIsUnauthorizedNotBadRequest()
    {
        await using var host = await TeamsHost.StartAsync(idp);

        using var response = await host.PostAsync("{\"type\":", token: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AnswersOversizedBodyWith413()
    {
        await using var host = await TeamsHost.StartAsync(idp);
        var body = TeamsHost.Fixture("teams-message").Replace("nobody answers", new string('x', 20_000), StringComparison.Ordinal);

        using var response = await host.PostAsync(body, Token(host));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, host.Sink.Calls);
    }

    [Fact]
    public async Task AnswersGetWith405()
    {
        await using var host = await TeamsHost.StartAsync(idp);

        using var response = await host.Client.GetAsync(new Uri(TeamsEndpoints.Route, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task AnswersRejectedEnqueueWith503()
    {
        await using var host = await TeamsHost.StartAsync(idp);
        host.Sink.Answer = (_, _) => EnqueueResult.Rejected;

        using var response = await host.PostAsync(TeamsHost.Fixture("teams-message"), Token(host));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task AcknowledgesDuplicateWith200()
    {
        await using var host = await TeamsHost.StartAsync(idp);
        host.Sink.Answer = (_, _) => EnqueueResult.Duplicate;

        using var response = await host.PostAsync(TeamsHost.Fixture("teams-message"), Token(host));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AnswersCardActionInvokeSynchronouslyWithTheUpdatedCard()
    {
        await using var host = await TeamsHost.StartAsync(idp);

        using var response = await host.PostAsync(TeamsHost.Fixture("teams-invoke-card-action"), Token(host));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new ButtonPress("csat", "4"), Assert.Single(host.Sink.Messages).Button);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var root = body.RootElement;
        Assert.Equal(200, root.GetProperty("statusCode").GetInt32());
        Assert.Equal("application/vnd.microsoft.card.adaptive", root.GetProperty("type").GetString());
        var card = root.GetProperty("value");
        Assert.Equal("AdaptiveCard", card.GetProperty("type").GetString());
        var texts = card.GetProperty("body").EnumerateArray().Select(e => e.GetProperty("text").GetString()).ToList();
        Assert.Equal(["How satisfied are you with your delivery?", "✓ Satisfied"], texts);
        Assert.DoesNotContain("ActionSet", card.GetRawText(), StringComparison.Ordinal);
        Assert.False(card.TryGetProperty("actions", out _));
    }

    [Fact]
    public async Task AnswersCardActionWithErrorBodyWhenTheQueueIsFull()
    {
        await using var host = await TeamsHost.StartAsync(idp);
        host.Sink.Answer = (_, _) => EnqueueResult.Rejected;

        using var response = await host.PostAsync(TeamsHost.Fixture("teams-invoke-card-action"), Token(host));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(503, body.RootElement.GetProperty("statusCode").GetInt32());
        Assert.Equal("application/vnd.microsoft.error", body.RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task AnswersOtherInvokesWith501()
    {
        await using var host = await TeamsHost.StartAsync(idp);
        var body = TeamsHost.Fixture("teams-invoke-card-action").Replace("adaptiveCard/action", "task/fetch", StringComparison.Ordinal);

        using var response = await host.PostAsync(body, Token(host));

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        Assert.Equal(0, host.Sink.Calls);
    }

    [Fact]
    public async Task RemembersServiceUrlOfAuthenticatedActivities()
    {
        await using var host = await TeamsHost.StartAsync(idp);
        var allowList = host.App.Services.GetRequiredService<TeamsServiceUrlAllowList>();
        var body = TeamsHost.Fixture("teams-message").Replace(TeamsHost.ServiceUrl, "https://smba.trafficmanager.net/amer/", StringComparison.Ordinal);
        Assert.False(allowList.IsAllowed("https://smba.infra.gcc.teams.microsoft.com/amer/"));

        using var response = await host.PostAsync(body.Replace("smba.trafficmanager.net/amer/", "smba.infra.gcc.teams.microsoft.com/amer/", StringComparison.Ordinal),
            Tokens.Channel(key, TeamsHost.AppId, "https://smba.infra.gcc.teams.microsoft.com/amer/", host.Now));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(allowList.IsAllowed("https://smba.infra.gcc.teams.microsoft.com/amer/"));
    }

    [Fact]
    public async Task DoesNotRememberServiceUrlOfRefusedActivities()
    {
        await using var host = await TeamsHost.StartAsync(idp);
        var allowList = host.App.Services.GetRequiredService<TeamsServiceUrlAllowList>();
        var body = TeamsHost.Fixture("teams-message").Replace(TeamsHost.ServiceUrl, "https://attacker.example/", StringComparison.Ordinal);

        using var response = await host.PostAsync(body, Token(host));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(allowList.IsAllowed("https://attacker.example/"));
    }

    [Fact]
    public async Task AnonymousModeRemembersOnlyLoopbackServiceUrls()
    {
        await using var host = await TeamsHost.StartAsync(idp, new Dictionary<string, string?>
        {
            ["Teams:AppId"] = null,
            ["Teams:AppPassword"] = null,
            ["Teams:AllowAnonymous"] = "true",
        });
        var allowList = host.App.Services.GetRequiredService<TeamsServiceUrlAllowList>();
        var remote = TeamsHost.Fixture("playground-message").Replace("http://localhost:56150/_connector", "https://attacker.example/_connector", StringComparison.Ordinal);

        using var local = await host.PostAsync(TeamsHost.Fixture("playground-message"), token: null);
        using var far = await host.PostAsync(remote, token: null);

        Assert.True(allowList.IsAllowed("http://localhost:56150/_connector"));
        Assert.False(allowList.IsAllowed("https://attacker.example/_connector"));
    }
}
