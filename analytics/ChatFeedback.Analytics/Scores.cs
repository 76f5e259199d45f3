using MathNet.Numerics.Distributions;

namespace ChatFeedback.Analytics;

/// <summary>
/// The survey scores of DESIGN.md's domain rules. CSAT% is the share of 4–5 on the 1–5 scale (percent, Wilson interval);
/// NPS is % promoters (9–10) − % detractors (0–6) on 0–10 (points, interval from the NPS variance formula); CES is the
/// mean effort score (t interval); a dimension score is its mean rescaled to 0–100 (t interval).
/// </summary>
public static class Scores
{
    public const int PromoterFrom = 9;
    public const int DetractorUpTo = 6;
    public const int SatisfiedFrom = 4;

    public static Figure Csat(ScoreTally satisfaction, MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(satisfaction);
        satisfaction.RequireScale(1, 5, "CSAT");
        return Rates.Proportion(satisfaction.CountBetween(SatisfiedFrom, 5), satisfaction.N, options);
    }

    /// <summary>
    /// NPS in points (−100…100). Its variance is (p₊ + p₋ − (p₊ − p₋)²) / n on the −1…1 scale (the multinomial
    /// variance of promoter − detractor); the interval is NPS ± z·100·√variance, kept inside −100…100. With all
    /// answers in one group the variance is 0 and the interval is the point itself.
    /// </summary>
    public static Figure Nps(ScoreTally recommend, MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(recommend);
        recommend.RequireScale(0, 10, "NPS");
        var o = MetricOptions.Resolve(options);
        var n = recommend.N;
        if (n < o.MinimumN || n == 0)
        {
            return Figure.TooFew(n, o.MinimumN);
        }

        var (nps, se) = NpsAndError(recommend);
        var half = o.Z * se;
        return Figure.Of(n, nps, new Interval(Math.Max(-100, nps - half), Math.Min(100, nps + half)), se);
    }

    /// <summary>CES: the mean effort score, on the tally's own scale (lower is less effort).</summary>
    public static Figure Ces(ScoreTally effort, MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(effort);
        return Mean(effort.ToMoments(), options);
    }

    /// <summary>A mean with its t interval (n − 1 degrees of freedom); a single value has no interval.</summary>
    public static Figure Mean(Moments values, MetricOptions? options = null)
    {
        var o = MetricOptions.Resolve(options);
        if (values.N < o.MinimumN || values.N == 0)
        {
            return Figure.TooFew(values.N, o.MinimumN);
        }

        if (values.N == 1)
        {
            return Figure.Of(1, values.Mean, null);
        }

        var se = Math.Sqrt(values.Variance / values.N);
        var half = StudentT.InvCDF(0, 1, values.N - 1, 1 - ((1 - o.Confidence) / 2)) * se;
        return Figure.Of(values.N, values.Mean, new Interval(values.Mean - half, values.Mean + half), se);
    }

    /// <summary>A one-item dimension's score on 0–100: (mean − scale bottom) / (top − bottom) × 100.</summary>
    public static Figure Dimension(ScoreTally item, MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        return Dimension(item.ToMoments(), item.Min, item.Max, options);
    }

    /// <summary>A dimension's score on 0–100 from each respondent's mean of its items, on a <paramref name="min"/>–<paramref name="max"/> scale.</summary>
    public static Figure Dimension(Moments respondentMeans, int min, int max, MetricOptions? options = null)
    {
        if (max <= min)
        {
            throw new ArgumentOutOfRangeException(nameof(max), max, $"A scale's top ({max}) must be above its bottom ({min}).");
        }

        var mean = Mean(respondentMeans, options);
        if (!mean.HasValue)
        {
            return mean;
        }

        double scale = 100.0 / (max - min);
        double Rescale(double x) => Math.Clamp((x - min) * scale, 0, 100);
        return Figure.Of(
            mean.N,
            Rescale(mean.Value!.Value),
            mean.Interval is { } i ? new Interval(Rescale(i.Lower), Rescale(i.Upper)) : null,
            mean.StandardError * scale);
    }

    /// <summary>A multi-item dimension's score on 0–100 from its item tally (respondents who answered every item).</summary>
    public static Figure Dimension(ItemCovarianceTally items, int min, int max, MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        return Dimension(items.RespondentMeans(), min, max, options);
    }

    /// <summary>
    /// CSI on 0–100: the weighted mean of the dimension scores with the normalised weights. Every score must have a
    /// weight and every weight a score (an unknown or missing dimension throws); if any dimension is too few or
    /// undefined, so is CSI. Its standard error is √Σ wᵢ²·seᵢ², which treats the dimensions as independent: they come
    /// from the same respondents and are usually positively correlated, so the interval is, if anything, too narrow.
    /// </summary>
    public static Figure Csi(IReadOnlyDictionary<string, Figure> dimensionScores, CsiWeights weights, MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dimensionScores);
        ArgumentNullException.ThrowIfNull(weights);
        var o = MetricOptions.Resolve(options);
        foreach (var name in dimensionScores.Keys)
        {
            weights.WeightOf(name);
        }

        double value = 0, variance = 0;
        var hasError = true;
        long n = long.MaxValue;
        Figure? notShown = null;
        foreach (var (name, weight) in weights.Weights)
        {
            if (!dimensionScores.TryGetValue(name, out var score))
            {
                throw new ArgumentException($"CSI weights dimension '{name}', but no score for it was given (scores: {string.Join(", ", dimensionScores.Keys)}).", nameof(dimensionScores));
            }

            n = Math.Min(n, score.N);
            if (!score.HasValue)
            {
                notShown ??= score;
                continue;
            }

            value += weight * score.Value!.Value;
            hasError &= score.StandardError is not null;
            variance += weight * weight * Math.Pow(score.StandardError ?? 0, 2);
        }

        if (notShown is not null)
        {
            return notShown.State == FigureState.TooFew
                ? Figure.TooFew(n, o.MinimumN)
                : Figure.Undefined(n, $"CSI needs every weighted dimension: {notShown.Reason}");
        }

        // A dimension without a standard error (one answer) leaves CSI without an interval rather than a narrow one.
        if (!hasError)
        {
            return Figure.Of(n, value, null);
        }

        var se = Math.Sqrt(variance);
        var half = o.Z * se;
        return Figure.Of(n, value, new Interval(Math.Max(0, value - half), Math.Min(100, value + half)), se);
    }

    /// <summary>NPS in points and its standard error in points.</summary>
    internal static (double Nps, double StandardError) NpsAndError(ScoreTally recommend)
    {
        double n = recommend.N;
        var promoters = recommend.CountBetween(PromoterFrom, 10) / n;
        var detractors = recommend.CountBetween(0, DetractorUpTo) / n;
        var difference = promoters - detractors;
        var variance = Math.Max(0, (promoters + detractors - (difference * difference)) / n);
        return (100 * difference, 100 * Math.Sqrt(variance));
    }
}
