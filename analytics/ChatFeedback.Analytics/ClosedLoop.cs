namespace ChatFeedback.Analytics;

/// <summary>
/// Cases by how long they took to handle, against the 24 h / 48 h / 72 h complaint standard. Shares are cumulative
/// (a case handled in 20 h is within 24, 48 and 72 h; exactly 24 h is within 24 h); a case not yet handled counts in
/// <see cref="Cases"/> only. Tally only cases opened at least 72 h before the period's end, or young open cases read as late.
/// </summary>
public readonly record struct HandlingTally(long Cases, long Within24h, long Within48h, long Within72h)
{
    public HandlingTally Add(TimeSpan? handledAfter)
    {
        if (handledAfter is { } t && t < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(handledAfter), handledAfter, "A case cannot be handled before it was opened.");
        }

        return new HandlingTally(
            Cases + 1,
            Within24h + (handledAfter <= TimeSpan.FromHours(24) ? 1 : 0),
            Within48h + (handledAfter <= TimeSpan.FromHours(48) ? 1 : 0),
            Within72h + (handledAfter <= TimeSpan.FromHours(72) ? 1 : 0));
    }

    public HandlingTally Merge(HandlingTally other) =>
        new(Cases + other.Cases, Within24h + other.Within24h, Within48h + other.Within48h, Within72h + other.Within72h);
}

/// <summary>The three cumulative handled-within shares, in percent with Wilson intervals.</summary>
public sealed record HandlingFigures(Figure Within24h, Figure Within48h, Figure Within72h);

/// <summary>Closed-loop figures: detractors turned into cases, cases handled in time, check-ins that recovered the customer.</summary>
public static class ClosedLoop
{
    /// <summary>Detractor-to-case rate: cases opened for detractor answers of all detractor answers, in percent.</summary>
    public static Figure DetractorToCaseRate(long casesOpened, long detractorAnswers, MetricOptions? options = null) =>
        Rates.Proportion(casesOpened, detractorAnswers, options, nameof(casesOpened), nameof(detractorAnswers));

    public static HandlingFigures Handling(HandlingTally cases, MetricOptions? options = null)
    {
        if (cases.Within24h > cases.Within48h || cases.Within48h > cases.Within72h || cases.Within72h > cases.Cases)
        {
            throw new ArgumentException("A handling tally must hold within 24 h ≤ within 48 h ≤ within 72 h ≤ cases.", nameof(cases));
        }

        return new HandlingFigures(
            Rates.Proportion(cases.Within24h, cases.Cases, options),
            Rates.Proportion(cases.Within48h, cases.Cases, options),
            Rates.Proportion(cases.Within72h, cases.Cases, options));
    }

    /// <summary>Check-in recovery rate: re-ratings of 4–5 (1–5 scale) after resolution, of all re-ratings, in percent.</summary>
    public static Figure RecoveryRate(ScoreTally reRatings, MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reRatings);
        reRatings.RequireScale(1, 5, "The recovery rate");
        return Rates.Proportion(reRatings.CountBetween(Scores.SatisfiedFrom, 5), reRatings.N, options);
    }
}
