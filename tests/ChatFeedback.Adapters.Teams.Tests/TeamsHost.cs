using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ChatFeedback.Adapters.Teams.Tests;

/// <summary>A real ASP.NET Core app on a TestServer with only the Teams channel, against the fake identity provider.</summary>
public sealed class TeamsHost : IAsyncDisposable
{
    public const string AppId = "2f1e6c53-9d2a-4b7e-8c1f-3a5d9e0b7c42";
    public const string TenantId = "5e1d7c9a-4b3f-4e2d-9a8c-1f0b2c3d4e5f";
    public const string ServiceUrl = "https://smba.trafficmanager.net/emea/";

    /// <summary>Where the fake clock starts: tokens are minted relative to it.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 16, 0, TimeSpan.Zero);

    private TeamsHost(WebApplication app, RecordingSink sink, FakeTimeProvider time, RecordingLoggerProvider logs)
    {
        App = app;
        Sink = sink;
        Time = time;
        Logs = logs;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public RecordingSink Sink { get; }

    public FakeTimeProvider Time { get; }

    /// <summary>What the channel logged (ChatFeedback categories, Debug and up).</summary>
    public RecordingLoggerProvider Logs { get; }

    public HttpClient Client { get; }

    public DateTimeOffset Now => Time.GetUtcNow();

    public static Dictionary<string, string?> Settings(FakeIdentityProvider idp) => new()
    {
        ["Teams:AppId"] = AppId,
        ["Teams:AppPassword"] = "not-a-real-secret",
        ["Teams:AppType"] = "SingleTenant",
        ["Teams:TenantId"] = TenantId,
        ["Teams:OpenIdMetadataUrl"] = idp.ChannelMetadataUrl,
        ["Teams:EntraMetadataUrl"] = idp.EntraMetadataUrl,
        ["Teams:MaxBodyBytes"] = "16384",
    };

    public static async Task<TeamsHost> StartAsync(FakeIdentityProvider idp, IDictionary<string, string?>? overrides = null)
    {
        var settings = Settings(idp);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(settings);
        var logs = new RecordingLoggerProvider();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        var sink = new RecordingSink();
        var time = new FakeTimeProvider(Start);
        builder.Services.AddSingleton<IInboundSink>(sink);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddTeams(builder.Configuration);

        var app = builder.Build();
        app.MapTeams();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new TeamsHost(app, sink, time, logs);
    }

    public static string Fixture(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name + ".json"));

    public async Task<HttpResponseMessage> PostAsync(string body, string? token, string scheme = "Bearer")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, TeamsEndpoints.Route)
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"{scheme} {token}");
        }

        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }
}
