using System.Diagnostics.Metrics;

namespace ChatFeedback.Adapters.Telegram;

/// <summary>The Telegram channel's metrics (meter <c>ChatFeedback.Telegram</c>).</summary>
public sealed class TelegramMetrics
{
    public const string MeterName = "ChatFeedback.Telegram";
    public const string UpdatesIgnoredName = "telegram.updates.ignored";

    /// <summary>The body was not a JSON update.</summary>
    public const string ReasonMalformed = "malformed";

    /// <summary>A valid update of a kind the service does not handle (edits, stickers, service messages…).</summary>
    public const string ReasonUnsupported = "unsupported";

    private readonly Counter<long> ignored;

    public TelegramMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        ignored = meter.CreateCounter<long>(UpdatesIgnoredName, "{update}", "Telegram updates acknowledged without being processed.");
    }

    public void UpdateIgnored(string reason) =>
        ignored.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
