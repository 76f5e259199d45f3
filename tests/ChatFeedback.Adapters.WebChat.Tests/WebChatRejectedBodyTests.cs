using System.Diagnostics.Metrics;
using System.Net;
using ChatFeedback.Adapters.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatFeedback.Adapters.WebChat.Tests;

/// <summary>
/// Refused web chat bodies cost one Warning line a minute (no stack trace, no body content) and a count per body in
/// <c>chatfeedback.webhook.rejected</c>; the parser's exceptions stay at Debug.
/// </summary>
public sealed class WebChatRejectedBodyTests
{
    private const string Marker = "Mei-Lin-13800138000";

    [Fact]
    public async Task AFloodOfRejectedBodiesLogsOneWarningPerMinuteAndCountsEveryBody()
    {
        await using var host = await WebChatTestHost.StartAsync();
        using var rejected = new MetricRecorder(host.App.Services.GetRequiredService<IMeterFactory>(), WebhookRejections.MeterName, WebhookRejections.RejectedName);
        var conversation = await host.OpenAsync();
        string[] bodies =
        [
            $$"""{"id":"m1","text":"{{Marker}}",""",
            $$"""{"id":"m1","text":["{{Marker}}"]}""",
            $$$"""{"id":"m1","text":"{{{Marker}}}","button":{"questionId":"q","value":"v"}}""",
        ];

        for (var i = 0; i < 300; i++)
        {
            using var response = await host.PostRawAsync(conversation, bodies[i % bodies.Length]);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        var warning = Assert.Single(host.Logs.AtLeast(LogLevel.Warning), e => e.Category.EndsWith(nameof(WebhookRejections), StringComparison.Ordinal));
        Assert.Null(warning.Exception);
        Assert.Equal("webchat", warning.Value("Channel"));
        Assert.Equal(200, rejected.Sum(("channel", "webchat"), ("reason", WebhookRejections.ReasonMalformed)));
        Assert.Equal(100, rejected.Sum(("channel", "webchat"), ("reason", WebhookRejections.ReasonInvalid)));
        Assert.Equal(200, host.Logs.Entries.Count(e => e.Level == LogLevel.Debug && e.Exception is not null));
        Assert.All(host.Logs.Entries, e => Assert.DoesNotContain(Marker, e.Message, StringComparison.Ordinal));

        host.Time.Advance(WebhookRejections.WarningInterval);
        using (var again = await host.PostRawAsync(conversation, bodies[0]))
        {
            Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        }

        var warnings = host.Logs.AtLeast(LogLevel.Warning).Where(e => e.Category.EndsWith(nameof(WebhookRejections), StringComparison.Ordinal)).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Equal(299L, warnings[1].Value("Suppressed"));
    }
}
