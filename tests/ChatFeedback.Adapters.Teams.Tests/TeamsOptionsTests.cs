using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Adapters.Teams.Tests;

public sealed class TeamsOptionsTests
{
    private static TeamsOptions SingleTenant() => new()
    {
        AppId = TeamsHost.AppId,
        AppPassword = "secret",
        AppType = TeamsAppType.SingleTenant,
        TenantId = TeamsHost.TenantId,
    };

    private static IEnumerable<string> Failures(TeamsOptions options) =>
        new TeamsOptionsValidator().Validate(null, options).Failures ?? [];

    [Fact]
    public void AcceptsCompleteSingleTenantSettings() => Assert.Empty(Failures(SingleTenant()));

    [Fact]
    public void AcceptsAnonymousDevelopmentSettings() => Assert.Empty(Failures(new TeamsOptions { AllowAnonymous = true }));

    [Fact]
    public void HasDocumentedDefaults()
    {
        var options = new TeamsOptions();

        Assert.Equal(new Uri("https://login.botframework.com/v1/.well-known/openidconfiguration"), options.OpenIdMetadataUrl);
        Assert.Equal(new Uri("https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration"), options.EntraMetadataUrl);
        Assert.Equal(new Uri("https://login.microsoftonline.com"), options.TokenAuthority);
        Assert.Equal("https://api.botframework.com/.default", options.TokenScope);
        Assert.Equal(["https://smba.trafficmanager.net/"], options.EffectiveAllowedServiceUrls);
        Assert.False(options.Enabled);
    }

    [Theory]
    [InlineData(TeamsAppType.MultiTenant, "https://login.microsoftonline.com/botframework.com")]
    [InlineData(TeamsAppType.SingleTenant, "https://login.microsoftonline.com/" + TeamsHost.TenantId)]
    public void PicksTheTokenAuthorityByAppType(TeamsAppType appType, string expected)
    {
        var options = SingleTenant();
        options.AppType = appType;

        Assert.Equal(expected, MsalConnectorTokenProvider.AuthorityOf(options));
    }

    [Fact]
    public void RejectsAllowAnonymousWithAnAppId()
    {
        var options = SingleTenant();
        options.AllowAnonymous = true;

        Assert.Contains(Failures(options), f => f.StartsWith("Teams:AllowAnonymous must be false when Teams:AppId is set", StringComparison.Ordinal));
    }

    [Fact]
    public void RequiresTenantIdForSingleTenant()
    {
        var options = SingleTenant();
        options.TenantId = null;

        Assert.Contains(Failures(options), f => f.StartsWith("Teams:TenantId is required", StringComparison.Ordinal));
    }

    [Fact]
    public void RequiresPasswordWithAppId()
    {
        var options = SingleTenant();
        options.AppPassword = "";

        Assert.Contains(Failures(options), f => f.StartsWith("Teams:AppPassword is required", StringComparison.Ordinal));
    }

    [Fact]
    public void RejectsManagedIdentityForNow()
    {
        var options = SingleTenant();
        options.AppType = TeamsAppType.UserAssignedMSI;

        Assert.Contains(Failures(options), f => f.StartsWith("Teams:AppType UserAssignedMSI is not supported yet", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://api.botframework.com", "Teams:TokenScope must end in /.default")]
    public void NamesTheKeyOfABadScope(string scope, string expected)
    {
        var options = SingleTenant();
        options.TokenScope = scope;

        Assert.Contains(Failures(options), f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void RejectsPlainHttpMetadataAndServiceUrlsOutsideLoopback()
    {
        var options = SingleTenant();
        options.OpenIdMetadataUrl = new Uri("http://login.botframework.com/v1/.well-known/openidconfiguration");
        options.AllowedServiceUrls = ["http://smba.trafficmanager.net/"];

        var failures = Failures(options).ToList();

        Assert.Contains(failures, f => f.StartsWith("Teams:OpenIdMetadataUrl must be an absolute https URL", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Teams:AllowedServiceUrls:0 must be an absolute https URL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartUpFailsOnInvalidSettings()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Teams:AppId"] = TeamsHost.AppId,
            ["Teams:AppPassword"] = "secret",
            ["Teams:TenantId"] = TeamsHost.TenantId,
            ["Teams:AllowAnonymous"] = "true",
            ["urls"] = "http://127.0.0.1:0",
        });
        builder.Services.AddSingleton<IInboundSink>(new RecordingSink());
        builder.Services.AddTeams(builder.Configuration);
        await using var app = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(ex.Failures, f => f.StartsWith("Teams:AllowAnonymous", StringComparison.Ordinal));
    }

    [Fact]
    public void RegistersNothingWhenOff()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>()).Build();
        var services = new ServiceCollection();

        services.AddTeams(configuration);

        Assert.Empty(services);
    }
}
