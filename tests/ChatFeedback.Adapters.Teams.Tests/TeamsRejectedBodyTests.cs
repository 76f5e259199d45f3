using System.Diagnostics.Metrics;
using System.Net;
using ChatFeedback.Adapters.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatFeedback.Adapters.Teams.Tests;

/// <summary>
/// Refused activity bodies cost one Warning line a minute (no stack trace, no body content) and a count per body in
/// <c>chatfeedback.webhook.rejected</c>; the parser's exceptions stay at Debug.
/// </summary>
public sealed class TeamsRejectedBodyTests : IDisposable
{
    private const string Marker = "Megan-Bowen-megan@example.com";

    private readonly TestKey key = new("key-1", "msteams");
    private readonly FakeIdentityProvider idp = new();

    public TeamsRejectedBodyTests() => idp.ChannelKeys(key);

    public void Dispose()
    {
        key.Dispose();
        idp.Dispose();
    }

    [Fact]
    public async Task AFloodOfRejectedBodiesLogsOneWarningPerMinuteAndCountsEveryBody()
    {
        await using var host = await TeamsHost.StartAsync(idp);
        using var rejected = new MetricRecorder(host.App.Services.GetRequiredService<IMeterFactory>(), WebhookRejections.MeterName, WebhookRejections.RejectedName);
        var token = Tokens.Channel(key, TeamsHost.AppId, TeamsHost.ServiceUrl, host.Now);
        string[] bodies =
        [
            $$"""{"type":"message","text":"{{Marker}}",""",
            $$"""{"type":"message","serviceUrl":"{{TeamsHost.ServiceUrl}}","channelId":"msteams","from":"{{Marker}}"}""",
            $$"""{"type":"message","id":"1","serviceUrl":"{{TeamsHost.ServiceUrl}}","channelId":"msteams","text":"{{Marker}}"}""",
        ];

        for (var i = 0; i < 300; i++)
        {
            using var response = await host.PostAsync(bodies[i % bodies.Length], token);
            Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode}");
        }

        var warning = Assert.Single(host.Logs.AtLeast(LogLevel.Warning));
        Assert.Null(warning.Exception);
        Assert.Equal("msteams", warning.Value("Channel"));
        Assert.Equal(200, rejected.Sum(("channel", "msteams"), ("reason", WebhookRejections.ReasonMalformed)));
        Assert.Equal(100, rejected.Sum(("channel", "msteams"), ("reason", WebhookRejections.ReasonInvalid)));
        Assert.Equal(200, host.Logs.Entries.Count(e => e.Level == LogLevel.Debug && e.Exception is not null));
        Assert.All(host.Logs.Entries, e => Assert.DoesNotContain(Marker, e.Message, StringComparison.Ordinal));

        host.Time.Advance(WebhookRejections.WarningInterval);
        using (var again = await host.PostAsync(bodies[0], token))
        {
            Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        }

        var warnings = host.Logs.AtLeast(LogLevel.Warning);
        Assert.Equal(2, warnings.Count);
        Assert.Equal(299L, warnings[1].Value("Suppressed"));
    }
}
