using System.Diagnostics.Metrics;
using System.Net;
using ChatFeedback.Adapters.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ChatFeedback.Adapters.Telegram.Tests;

/// <summary>
/// A flood of bodies the webhook cannot use costs one Warning line a minute (no stack trace, no body content) and a
/// count per body in <c>chatfeedback.webhook.rejected</c>; the parser's exceptions stay at Debug.
/// </summary>
public sealed class TelegramRejectedBodyTests
{
    private const string Marker = "Mei-Lin-13800138000";

    // Not JSON; JSON of the wrong shape (text for a number); an update without what Telegram always sends.
    private static readonly string[] Bodies =
    [
        $"{{\"update_id\":1,\"message\":{{\"text\":\"{Marker}\"",
        $"{{\"update_id\":\"{Marker}\"}}",
        $"{{\"update_id\":2,\"callback_query\":{{\"id\":\"1\",\"data\":\"{Marker}\"}}}}",
    ];

    [Fact]
    public async Task AFloodOfRejectedBodiesLogsOneWarningPerMinuteAndCountsEveryBody()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        await using var host = await TelegramWebhookHost.StartAsync(new Dictionary<string, string?> { ["Telegram:CallbackAnswerWait"] = "00:00:00" }, time: time);
        using var rejected = new MetricRecorder(host.App.Services.GetRequiredService<IMeterFactory>(), WebhookRejections.MeterName, WebhookRejections.RejectedName);

        for (var i = 0; i < 300; i++)
        {
            using var response = await host.PostAsync(Bodies[i % Bodies.Length]);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var warning = Assert.Single(host.Logs.AtLeast(LogLevel.Warning));
        Assert.Null(warning.Exception);
        Assert.Equal("telegram", warning.Value("Channel"));
        Assert.DoesNotContain(Marker, warning.Message, StringComparison.Ordinal);
        Assert.Equal(300, rejected.Sum(("channel", "telegram")));
        Assert.Equal(200, rejected.Sum(("channel", "telegram"), ("reason", WebhookRejections.ReasonMalformed)));
        Assert.Equal(100, rejected.Sum(("channel", "telegram"), ("reason", WebhookRejections.ReasonInvalid)));

        // Every body at Debug, the parser's exception with it; none with the body's words.
        var debug = host.Logs.Entries.Where(e => e.Level == LogLevel.Debug && e.Category.EndsWith(nameof(WebhookRejections), StringComparison.Ordinal)).ToList();
        Assert.Equal(300, debug.Count);
        Assert.Equal(200, debug.Count(e => e.Exception is not null));
        Assert.All(host.Logs.Entries, e => Assert.DoesNotContain(Marker, e.Message, StringComparison.Ordinal));

        time.Advance(WebhookRejections.WarningInterval);
        using (var again = await host.PostAsync(Bodies[0]))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        var warnings = host.Logs.AtLeast(LogLevel.Warning);
        Assert.Equal(2, warnings.Count);
        Assert.Equal(299L, warnings[1].Value("Suppressed"));
    }

    [Fact]
    public async Task AnOversizedBodyIsCountedAsTooLarge()
    {
        await using var host = await TelegramWebhookHost.StartAsync();
        using var rejected = new MetricRecorder(host.App.Services.GetRequiredService<IMeterFactory>(), WebhookRejections.MeterName, WebhookRejections.RejectedName);

        using var response = await host.PostAsync("{\"update_id\":1,\"message\":{\"text\":\"" + new string('a', 5000) + "\"}}");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(1, rejected.Sum(("channel", "telegram"), ("reason", WebhookRejections.ReasonTooLarge)));
        Assert.Contains("Telegram:MaxBodyBytes", Assert.Single(host.Logs.AtLeast(LogLevel.Warning)).Message, StringComparison.Ordinal);
    }
}
