using System.Text.Json;
using ChatFeedback.Bot.Records;

namespace ChatFeedback.Bot.Assessment;

/// <summary>One decision record as the API returns it.</summary>
public sealed record DecisionView(
    long Id,
    DateTimeOffset At,
    string Trigger,
    string Scope,
    string Severity,
    string Grade,
    string Tier,
    string Category,
    IReadOnlyList<string> Themes,
    double Sentiment,
    IReadOnlyList<string> Flags,
    string Rationale,
    double Confidence,
    string Source,
    string Floor,
    string? Model,
    string? PromptVersion,
    int LatencyMs,
    string? FallbackReason,
    bool Truncated,
    JsonElement? Evidence,
    string Actor,
    string? Reason)
{
    public static DecisionView Of(CaseDecision d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new(
            d.Id,
            d.At,
            d.Trigger,
            d.Scope,
            d.Severity,
            d.Grade,
            d.Tier.ToString(),
            d.Category,
            Split(d.Themes),
            d.Sentiment,
            Split(d.Flags),
            d.Rationale,
            d.Confidence,
            d.Source,
            d.Floor,
            d.Model,
            d.PromptVersion,
            d.LatencyMs,
            d.FallbackReason,
            d.Truncated,
            d.Evidence is null ? null : JsonDocument.Parse(d.Evidence).RootElement.Clone(),
            d.Actor,
            d.Reason);
    }

    private static string[] Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries);
}
