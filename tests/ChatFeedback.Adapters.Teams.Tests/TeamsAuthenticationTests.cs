using System.Net;
using Microsoft.IdentityModel.Tokens;

namespace ChatFeedback.Adapters.Teams.Tests;

/// <summary>Every way a request can fail authentication gets 401/403, reaches no sink and causes no outbound call.</summary>
public sealed class TeamsAuthenticationTests : IDisposable
{
    private readonly TestKey key = new("key-1", "msteams", "webchat");
    private readonly FakeIdentityProvider idp = new();
    private readonly FakeConnector connector = new();

    public TeamsAuthenticationTests() => idp.ChannelKeys(key);

    private static string Message => TeamsHost.Fixture("teams-message");

    public void Dispose()
    {
        key.Dispose();
        idp.Dispose();
        connector.Dispose();
    }

    private void AssertRefused(TeamsHost host, HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.Unauthorized)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, host.Sink.Calls);
        Assert.Empty(connector.Server.LogEntries);
    }

    [Fact]
    public async Task AcceptsValidChannelToken()
    {
        await using var host = await TeamsHost.StartAsync(idp);

        using var response = await host.PostAsync(Message, Tokens.Channel(key, TeamsHost.AppId, TeamsHost.ServiceUrl, host.Now));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(host.Sink.Messages);
    }

    [Fact]
    public async Task RejectsRequestWithoutToken()
    {
        await using var host = await TeamsHost.StartAsync(idp);

        using var response = await host.PostAsync(Message, token: null);

        AssertRefused(host, response);
    }

    [Theory]
    [InlineData("bearer")]
    [InlineData("Basic")]
    [InlineData("JWT")]
    public async Task RejectsOtherSchemes(string scheme)
    {
        await using var host = await TeamsHost.StartAsync(idp);

        using var response = await host.PostAsync(Message, Tokens.Channel(key, TeamsHost.AppId, TeamsHost.ServiceUrl, host.Now), scheme);

        AssertRefused(host, response);
    }

    [Fact]
    public async Task RejectsTokenSignedByAnotherKeyWithTheSameKid()
    {
        await using var host = await TeamsHost.StartAsync(idp);
        using var impostor = new TestKey("key-1", "msteams");

        using var response = await host.PostAsync(Message, Tokens.Channel(impostor, TeamsHost.AppId, TeamsHost.ServiceUrl, host.Now));

        AssertRefused(host, response);
    }

    [Theory]
    [InlineData("https://api.botframework.com/")]
    [InlineData("https://API.botframework.com")]
    [InlineData("https://evil.example")]
    [InlineData("https://sts.windows.net/00000000-0000-0000-0000-000000000000/")]
    public async Task RejectsWrongIssuer(string issuer)
    {
        await using var host = await TeamsHost.StartAsync(idp);
        var token = Tokens.Create(key, issuer, TeamsHost.AppId, host.Now, new Dictionary<string, object> { ["serviceurl"] = TeamsHost.ServiceUrl });

        using var response = await host.PostAsync(Message, token);

        AssertRefused(host, response);
    }

    [Fact]
    public async Task RejectsWrongAudience()
    {
        await using var host = await TeamsHost.StartAsync(idp);

        using var response = await host.PostAsync(Message, Tokens.Channel(key, "9d0c1b2a-3e4f-4a5b-8c6d-7e8f9a0b1c2d", TeamsHost.ServiceUrl, host.Now));

        AssertRefused(host, response);
    }

    [Fact]
    public async Task RejectsTokenExpiredBeyondTheFiveMinuteSkew()
    {
        await using var host = await TeamsHost.StartAsync(idp);

        using var response = await host.PostAsync(Message, Tokens.Channel(key, TeamsHost.AppId, TeamsHost.ServiceUrl, host.Now, expires: host.Now.AddMinutes(-6)));

        AssertRefused(host, response);
    }

    [Fact]
    public async Task AcceptsTokenExpiredWithinTheFiveMinuteSkew()
    {
        await using var host = await TeamsHost.StartAsync(idp);

        using var response = await host.PostAsync(Message, Tokens.Channel(key, TeamsHost.AppId, TeamsHost.ServiceUrl, host.Now, expires: host.Now.AddMinutes(-4)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(host.Sink.Messages);
    }

    [Fact]
    public async Task RejectsTokenNotYetValid()
    {
        await using var host = await TeamsHost.StartAsync(idp);
        var token = Tokens.Channel(key, TeamsHost.AppId, TeamsHost.ServiceUrl, host.Now.AddHours(2), expires: host.Now.AddHours(3));

        using var response = await host.PostAsync(Message, token);

        AssertRefused(host, response);
    }

    [Theory]
    [InlineData("https://attacker.example/emea/")]
    [InlineData("https://smba.trafficmanager.net/amer/")]
    public async Task RejectsServiceUrlClaimThatDoesNotMatchTheActivity(string claimed)
    {
        await using var host = await TeamsHost.StartAsync(idp);

        using var response = await host.PostAsync(Message, Tokens.Channel(key, TeamsHost.AppId, claimed, host.Now));

        AssertRefused(host, response);
    }

    [Fact]
    public async Task ComparesServiceUrlClaimIgnoringCase()
    {
        await using var host = await TeamsHost.StartAsync(idp);

        using var response = await host.PostAsync(Message, Tokens.Channel(key, TeamsHost.AppId, TeamsHost.ServiceUrl.ToUpperInvariant(), host.Now));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RejectsTokenWithoutServiceUrlClaim()
    {
        await using var host = await TeamsHost.StartAsync(idp);
        var token = Tokens.Create(key, Tokens.ChannelIssuer, TeamsHost.AppId, host.Now);

        using var response = await host.PostAsync(Message, token);

        AssertRefused(host, response);
    }

    [Fact]
    public async Task ForbidsKeyNotEndorsedForTheChannel()
    {
        using var webchatOnly = new TestKey("key-webchat", "webchat");
        idp.ChannelKeys(key, webchatOnly);
        await using var host = await TeamsHost.StartAsync(idp);

        using var response = await host.PostAsync(Message, Tokens.Channel(webchatOnly, TeamsHost.AppId, TeamsHost.ServiceUrl, host.Now));

        AssertRefused(host, response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ForbidsKeyWithoutEndorsements()
    {
        using var bare = new TestKey("key-bare");
        idp.ChannelKeys(key, bare);
        await using var host = await TeamsHost.StartAsync(idp);

        using var response = await host.PostAsync(Message, Tokens.Channel(bare, TeamsHost.AppId, TeamsHost.ServiceUrl, host.Now));

        AssertRefused(host, response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task RejectsUnsignedToken()
    {
        await using var host = await TeamsHost.StartAsync(idp);

        using var response = await host.PostAsync(Message, Tokens.AlgNone(key.Kid, TeamsHost.AppId, TeamsHost.ServiceUrl, host.Now));

        AssertRefused(host, response);
    }

    [Fact]
    public async Task RejectsHs256Token()
    {
        await using var host = await TeamsHost.StartAsync(idp);

        using var response = await host.PostAsync(Message, Tokens.Hs256(key.Kid, TeamsHost.AppId, TeamsHost.ServiceUrl, host.Now));

        AssertRefused(host, response);
    }

    [Fact]
    public async Task AcceptsRs512()
    {
        await using var host = await TeamsHost.StartAsync(idp);
        var token = Tokens.Create(key, Tokens.ChannelIssuer, TeamsHost.AppId, host.Now, new Dictionary<string, object> { ["serviceurl"] = TeamsHost.ServiceUrl }, algorithm: SecurityAlgorithms.RsaSha512);

        using var response = await host.PostAsync(Message, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RejectsGarbageToken()
    {
        await using var host = await TeamsHost.StartAsync(idp);

        using var response = await host.PostAsync(Message, "not.a.jwt");

        AssertRefused(host, response);
    }

    [Fact]
    public async Task UnknownKidTriggersExactlyOneRefreshThenIsAccepted()
    {
        await using var host = await TeamsHost.StartAsync(idp);
        using (var first = await host.PostAsync(Message, Tokens.Channel(key, TeamsHost.AppId, TeamsHost.ServiceUrl, host.Now)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        Assert.Equal(1, idp.Downloads(FakeIdentityProvider.ChannelKeysPath));
        using var rotated = new TestKey("key-2", "msteams");
        idp.ChannelKeys(rotated);

        using var response = await host.PostAsync(Message, Tokens.Channel(rotated, TeamsHost.AppId, TeamsHost.ServiceUrl, host.Now));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, idp.Downloads(FakeIdentityProvider.ChannelKeysPath));
        Assert.Equal(2, idp.Downloads(FakeIdentityProvider.ChannelMetadataPath));
        Assert.Equal(2, host.Sink.Calls);
    }

    [Fact]
    public async Task RejectsRotatedAwayKeyAfterRefreshWithoutRefreshingAgain()
    {
        await using var host = await TeamsHost.StartAsync(idp);
        using var rotated = new TestKey("key-2", "msteams");
        using (var first = await host.PostAsync(Message, Tokens.Channel(key, TeamsHost.AppId, TeamsHost.ServiceUrl, host.Now)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        idp.ChannelKeys(rotated);
        using (var second = await host.PostAsync(Message, Tokens.Channel(rotated, TeamsHost.AppId, TeamsHost.ServiceUrl, host.Now)))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        }

        using var response = await host.PostAsync(Message, Tokens.Channel(key, TeamsHost.AppId, TeamsHost.ServiceUrl, host.Now));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(2, host.Sink.Calls);

        // Unknown kids refresh at most once per five minutes: a stream of bogus kids cannot hammer the issuer.
        Assert.Equal(2, idp.Downloads(FakeIdentityProvider.ChannelKeysPath));
    }

    [Fact]
    public async Task RefreshesKeysAfterTwentyFourHours()
    {
        await using var host = await TeamsHost.StartAsync(idp);
        using (var first = await host.PostAsync(Message, Tokens.Channel(key, TeamsHost.AppId, TeamsHost.ServiceUrl, host.Now)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        host.Time.Advance(TimeSpan.FromHours(24));
        using var response = await host.PostAsync(Message, Tokens.Channel(key, TeamsHost.AppId, TeamsHost.ServiceUrl, host.Now));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, idp.Downloads(FakeIdentityProvider.ChannelKeysPath));
    }

    [Fact]
    public async Task KeepsLastGoodKeysWhenRefreshFails()
    {
        await using var host = await TeamsHost.StartAsync(idp);
        using (var first = await host.PostAsync(Message, Tokens.Channel(key, TeamsHost.AppId, TeamsHost.ServiceUrl, host.Now)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        idp.BreakChannelMetadata();
        host.Time.Advance(TimeSpan.FromHours(25));
        using var response = await host.PostAsync(Message, Tokens.Channel(key, TeamsHost.AppId, TeamsHost.ServiceUrl, host.Now));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, idp.Downloads(FakeIdentityProvider.ChannelMetadataPath));
    }

    [Fact]
    public async Task AnswersServiceUnavailableWhenNoKeysCanBeLoaded()
    {
        idp.BreakChannelMetadata();
        await using var host = await TeamsHost.StartAsync(idp);

        using var response = await host.PostAsync(Message, Tokens.Channel(key, TeamsHost.AppId, TeamsHost.ServiceUrl, host.Now));

        AssertRefused(host, response, HttpStatusCode.ServiceUnavailable);
    }

    [Theory]
    [InlineData("https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/", "1.0", "appid")]
    [InlineData("https://login.microsoftonline.com/f8cdef31-a31e-4b4a-93e4-5f571e91255a/v2.0", "2.0", "azp")]
    [InlineData("https://login.microsoftonline.com/69e9b82d-4842-4902-8d1e-abc5b98a55e8/v2.0", "2.0", "azp")]
    [InlineData("https://sts.windows.net/" + TeamsHost.TenantId + "/", "1.0", "appid")]
    public async Task AcceptsEntraTokens(string issuer, string version, string appIdClaim)
    {
        using var entraKey = new TestKey("entra-1");
        idp.EntraKeys(entraKey);
        await using var host = await TeamsHost.StartAsync(idp);
        var token = Tokens.Create(entraKey, issuer, TeamsHost.AppId, host.Now, new Dictionary<string, object> { ["ver"] = version, [appIdClaim] = TeamsHost.AppId });

        using var response = await host.PostAsync(Message, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(host.Sink.Messages);
    }

    [Theory]
    [InlineData("https://sts.windows.net/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e/", "1.0", "appid", TeamsHost.AppId)]
    [InlineData("https://login.microsoftonline.com/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e/v2.0", "2.0", "azp", TeamsHost.AppId)]
    [InlineData("https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/", "1.0", "appid", "9d0c1b2a-3e4f-4a5b-8c6d-7e8f9a0b1c2d")]
    [InlineData("https://login.microsoftonline.com/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0", "2.0", "appid", TeamsHost.AppId)]
    [InlineData("https://login.microsoftonline.com/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0", "3.0", "azp", TeamsHost.AppId)]
    public async Task RejectsEntraTokensFromOtherTenantsOrApps(string issuer, string version, string appIdClaim, string appId)
    {
        using var entraKey = new TestKey("entra-1");
        idp.EntraKeys(entraKey);
        await using var host = await TeamsHost.StartAsync(idp);
        var token = Tokens.Create(entraKey, issuer, TeamsHost.AppId, host.Now, new Dictionary<string, object> { ["ver"] = version, [appIdClaim] = appId });

        using var response = await host.PostAsync(Message, token);

        AssertRefused(host, response);
    }

    [Fact]
    public async Task RejectsEntraTokenWithoutVersion()
    {
        using var entraKey = new TestKey("entra-1");
        idp.EntraKeys(entraKey);
        await using var host = await TeamsHost.StartAsync(idp);
        var token = Tokens.Create(entraKey, "https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/", TeamsHost.AppId, host.Now, new Dictionary<string, object> { ["appid"] = TeamsHost.AppId });

        using var response = await host.PostAsync(Message, token);

        AssertRefused(host, response);
    }

    [Fact]
    public async Task RejectsOwnTenantIssuerForMultiTenantApps()
    {
        using var entraKey = new TestKey("entra-1");
        idp.EntraKeys(entraKey);
        await using var host = await TeamsHost.StartAsync(idp, new Dictionary<string, string?> { ["Teams:AppType"] = "MultiTenant" });
        var token = Tokens.Create(entraKey, $"https://sts.windows.net/{TeamsHost.TenantId}/", TeamsHost.AppId, host.Now, new Dictionary<string, object> { ["ver"] = "1.0", ["appid"] = TeamsHost.AppId });

        using var response = await host.PostAsync(Message, token);

        AssertRefused(host, response);
    }

    [Fact]
    public async Task AnonymousModeAcceptsRequestsWithoutToken()
    {
        await using var host = await TeamsHost.StartAsync(idp, Anonymous);

        using var response = await host.PostAsync(TeamsHost.Fixture("playground-message"), token: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = Assert.Single(host.Sink.Messages);
        Assert.Equal("msteams", message.Conversation.ChannelId);
        Assert.Equal("http://localhost:56150/_connector", message.Conversation.ServiceUrl);
    }

    [Fact]
    public async Task AnonymousModeStillRejectsRequestsWithToken()
    {
        await using var host = await TeamsHost.StartAsync(idp, Anonymous);

        using var response = await host.PostAsync(TeamsHost.Fixture("playground-message"), Tokens.Channel(key, TeamsHost.AppId, "http://localhost:56150/_connector", host.Now));

        AssertRefused(host, response);
    }

    [Fact]
    public async Task WithoutAppIdOrAnonymousTheChannelIsOff()
    {
        await using var host = await TeamsHost.StartAsync(idp, new Dictionary<string, string?> { ["Teams:AppId"] = null });

        using var response = await host.PostAsync(Message, token: null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, host.Sink.Calls);
    }

    private static Dictionary<string, string?> Anonymous => new()
    {
        ["Teams:AppId"] = null,
        ["Teams:AppPassword"] = null,
        ["Teams:AllowAnonymous"] = "true",
    };
}
