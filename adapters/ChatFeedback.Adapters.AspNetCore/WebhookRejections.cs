using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace ChatFeedback.Adapters.AspNetCore;

/// <summary>
/// Reports the requests a channel endpoint refuses or cannot use. Each one counts in <c>chatfeedback.webhook.rejected</c> (meter
/// <c>ChatFeedback.Webhooks</c>, tags <c>channel</c> and <c>reason</c>) and is logged at Debug with the parser's
/// exception; at Warning, one line per channel at most every <see cref="WarningInterval"/>, carrying how many more were
/// rejected since the last one. A sender stuck on a bad payload (or a flood of junk) costs one line a minute instead
/// of a stack trace per body. Never logs the body, only its size and what was wrong with it.
/// </summary>
public sealed partial class WebhookRejections
{
    public const string MeterName = "ChatFeedback.Webhooks";
    public const string RejectedName = "chatfeedback.webhook.rejected";

    /// <summary>Not JSON, or JSON that does not have the payload's shape (a string where an object belongs…).</summary>
    public const string ReasonMalformed = "malformed";

    /// <summary>The payload's shape, but without a field the channel always sends (a press without its presser…).</summary>
    public const string ReasonInvalid = "invalid";

    /// <summary>Larger than the channel's body limit.</summary>
    public const string ReasonTooLarge = "too_large";

    /// <summary>The request did not prove it comes from the channel (secret or token missing or wrong).</summary>
    public const string ReasonUnauthorized = "unauthorized";

    /// <summary>At most one Warning per channel this often.</summary>
    public static readonly TimeSpan WarningInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Window> windows = new(StringComparer.Ordinal);
    private readonly Counter<long> rejected;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;

    public WebhookRejections(IMeterFactory meterFactory, TimeProvider timeProvider, ILogger<WebhookRejections> logger)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        rejected = meterFactory.Create(MeterName).CreateCounter<long>(RejectedName, "{body}", "Channel request bodies refused or acknowledged without being processed.");
        this.timeProvider = timeProvider;
        this.logger = logger;
    }

    /// <summary>Counts and (rate-limited) logs one rejected body.</summary>
    /// <param name="channel">The channel id (<c>telegram</c>, <c>msteams</c>, <c>webchat</c>).</param>
    /// <param name="reason">One of the <c>Reason…</c> constants; the metric's <c>reason</c> tag.</param>
    /// <param name="size">The body's size in bytes.</param>
    /// <param name="detail">What was wrong, naming fields and positions only: it is logged at Warning.</param>
    /// <param name="exception">The parser's exception, logged at Debug only.</param>
    public void Report(string channel, string reason, long size, string detail, Exception? exception = null)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(reason);
        rejected.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("reason", reason));
        RejectedDebug(exception, channel, size, reason, detail);

        var window = windows.GetOrAdd(channel, static _ => new Window());
        long suppressed;
        lock (window)
        {
            var now = timeProvider.GetUtcNow();
            if (now < window.NextWarningAt)
            {
                window.Suppressed++;
                return;
            }

            suppressed = window.Suppressed;
            window.Suppressed = 0;
            window.NextWarningAt = now + WarningInterval;
        }

        Rejected(channel, size, reason, detail, suppressed, WarningInterval);
    }

    /// <summary>Where a <see cref="JsonException"/> found the body wrong (path, line, byte), without any of its content.</summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            JsonException { LineNumber: { } line, BytePositionInLine: { } position } json =>
                $"not valid JSON for the payload at {json.Path ?? "$"} (line {line + 1}, byte {position + 1})",
            JsonException json => $"not valid JSON for the payload at {json.Path ?? "$"}",
            _ => $"the parser refused it ({exception.GetType().Name})",
        };
    }

    [LoggerMessage(LogLevel.Warning, "Rejected a {Channel} body of {Size} bytes ({Reason}): {Detail}; {Suppressed} more rejected since the last report (at most one report per {Interval})")]
    private partial void Rejected(string channel, long size, string reason, string detail, long suppressed, TimeSpan interval);

    [LoggerMessage(LogLevel.Debug, "Rejected a {Channel} body of {Size} bytes ({Reason}): {Detail}")]
    private partial void RejectedDebug(Exception? exception, string channel, long size, string reason, string detail);

    private sealed class Window
    {
        public DateTimeOffset NextWarningAt { get; set; } = DateTimeOffset.MinValue;

        public long Suppressed { get; set; }
    }
}
