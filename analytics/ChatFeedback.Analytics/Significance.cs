using MathNet.Numerics.Distributions;

namespace ChatFeedback.Analytics;

/// <summary>
/// A difference between two periods or variants, "after" (or B) minus "before" (or A), in the figure's unit, with
/// its interval, the test statistic and its two-sided p-value. <see cref="Significant"/> is p &lt; 1 − confidence.
/// Below the minimum n on either side the state is TooFew and nothing else is set.
/// </summary>
public sealed record Comparison(
    FigureState State,
    string Test,
    long NBefore,
    long NAfter,
    double? Difference,
    Interval? Interval,
    double? Statistic,
    double? PValue,
    bool Significant,
    string? Reason)
{
    internal static Comparison TooFew(string test, long nBefore, long nAfter, int minimumN) =>
        new(FigureState.TooFew, test, nBefore, nAfter, null, null, null, null, false,
            $"too few answers (n = {nBefore} and {nAfter}, at least {minimumN} needed on each side)");

    internal static Comparison Undefined(string test, long nBefore, long nAfter, double difference, string reason) =>
        new(FigureState.Undefined, test, nBefore, nAfter, difference, null, null, null, false, reason);
}

/// <summary>Period-over-period and variant tests: two-proportion z, Welch's t, and the NPS difference over its variance.</summary>
public static class Significance
{
    public const string TwoProportionZ = "two-proportion z-test";
    public const string WelchT = "Welch t-test";
    public const string NpsZ = "NPS difference z-test";
    public const string EstimatesZ = "z-test of two estimates";

    /// <summary>
    /// Difference of two proportions in percentage points. The test uses the pooled proportion
    /// (z = (p₂ − p₁) / √(p̄(1 − p̄)(1/n₁ + 1/n₂))); the interval the unpooled standard error.
    /// </summary>
    public static Comparison Proportions(long successesBefore, long nBefore, long successesAfter, long nAfter, MetricOptions? options = null)
    {
        Rates.Check(successesBefore, nBefore, nameof(successesBefore), nameof(nBefore));
        Rates.Check(successesAfter, nAfter, nameof(successesAfter), nameof(nAfter));
        var o = MetricOptions.Resolve(options);
        if (nBefore < o.MinimumN || nAfter < o.MinimumN || nBefore == 0 || nAfter == 0)
        {
            return Comparison.TooFew(TwoProportionZ, nBefore, nAfter, o.MinimumN);
        }

        double p1 = (double)successesBefore / nBefore, p2 = (double)successesAfter / nAfter;
        var difference = p2 - p1;
        var pooled = (double)(successesBefore + successesAfter) / (nBefore + nAfter);
        var pooledSe = Math.Sqrt(pooled * (1 - pooled) * ((1.0 / nBefore) + (1.0 / nAfter)));
        if (pooledSe == 0)
        {
            return Comparison.Undefined(TwoProportionZ, nBefore, nAfter, 100 * difference, "both sides are all 0 % or all 100 %: no variation to test");
        }

        var z = difference / pooledSe;
        var se = Math.Sqrt((p1 * (1 - p1) / nBefore) + (p2 * (1 - p2) / nAfter));
        return Result(TwoProportionZ, nBefore, nAfter, 100 * difference, 100 * se, o.Z, z, Rates.TwoSidedNormalP(z), o);
    }

    /// <summary>Welch's t-test of two means (unequal variances, Welch–Satterthwaite degrees of freedom).</summary>
    public static Comparison Means(Moments before, Moments after, MetricOptions? options = null)
    {
        var o = MetricOptions.Resolve(options);
        if (before.N < Math.Max(2, o.MinimumN) || after.N < Math.Max(2, o.MinimumN))
        {
            return Comparison.TooFew(WelchT, before.N, after.N, Math.Max(2, o.MinimumN));
        }

        var difference = after.Mean - before.Mean;
        double v1 = before.Variance / before.N, v2 = after.Variance / after.N;
        var se = Math.Sqrt(v1 + v2);
        if (se == 0)
        {
            return Comparison.Undefined(WelchT, before.N, after.N, difference, "both sides have no variation: every answer is the same");
        }

        var df = (v1 + v2) * (v1 + v2) / ((v1 * v1 / (before.N - 1)) + (v2 * v2 / (after.N - 1)));
        var t = difference / se;
        var p = 2 * StudentT.CDF(0, 1, df, -Math.Abs(t));
        var critical = StudentT.InvCDF(0, 1, df, 1 - ((1 - o.Confidence) / 2));
        return Result(WelchT, before.N, after.N, difference, se, critical, t, p, o);
    }

    /// <summary>
    /// The difference of two independent estimates that carry a standard error (CSI, a dimension score):
    /// z = (after − before) / √(se₁² + se₂²). Too few or undefined on either side makes the comparison so.
    /// </summary>
    public static Comparison Estimates(Figure before, Figure after, MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        const string test = EstimatesZ;
        var o = MetricOptions.Resolve(options);
        if (before.State == FigureState.TooFew || after.State == FigureState.TooFew)
        {
            return Comparison.TooFew(test, before.N, after.N, o.MinimumN);
        }

        if (!before.HasValue || !after.HasValue || before.StandardError is not { } se1 || after.StandardError is not { } se2)
        {
            return new Comparison(FigureState.Undefined, test, before.N, after.N, null, null, null, null, false, "a side has no value or no standard error");
        }

        var difference = after.Value!.Value - before.Value!.Value;
        var se = Math.Sqrt((se1 * se1) + (se2 * se2));
        if (se == 0)
        {
            return Comparison.Undefined(test, before.N, after.N, difference, "both sides have a standard error of 0");
        }

        var z = difference / se;
        return Result(test, before.N, after.N, difference, se, o.Z, z, Rates.TwoSidedNormalP(z), o);
    }

    /// <summary>CSAT% difference: a two-proportion z-test on the 4–5 shares.</summary>
    public static Comparison Csat(ScoreTally before, ScoreTally after, MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        before.RequireScale(1, 5, "CSAT");
        after.RequireScale(1, 5, "CSAT");
        return Proportions(before.CountBetween(Scores.SatisfiedFrom, 5), before.N, after.CountBetween(Scores.SatisfiedFrom, 5), after.N, options);
    }

    /// <summary>NPS difference in points: z = (NPS₂ − NPS₁) / √(Var₁ + Var₂), each from the NPS variance formula.</summary>
    public static Comparison Nps(ScoreTally before, ScoreTally after, MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        before.RequireScale(0, 10, "NPS");
        after.RequireScale(0, 10, "NPS");
        var o = MetricOptions.Resolve(options);
        if (before.N < o.MinimumN || after.N < o.MinimumN || before.N == 0 || after.N == 0)
        {
            return Comparison.TooFew(NpsZ, before.N, after.N, o.MinimumN);
        }

        var (nps1, se1) = Scores.NpsAndError(before);
        var (nps2, se2) = Scores.NpsAndError(after);
        var se = Math.Sqrt((se1 * se1) + (se2 * se2));
        var difference = nps2 - nps1;
        if (se == 0)
        {
            return Comparison.Undefined(NpsZ, before.N, after.N, difference, "both sides have no variation: every answer is in one group");
        }

        var z = difference / se;
        return Result(NpsZ, before.N, after.N, difference, se, o.Z, z, Rates.TwoSidedNormalP(z), o);
    }

    /// <summary>CES (or any scale's mean) difference: Welch's t-test on the tallies' moments.</summary>
    public static Comparison MeanScore(ScoreTally before, ScoreTally after, MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return Means(before.ToMoments(), after.ToMoments(), options);
    }

    private static Comparison Result(string test, long n1, long n2, double difference, double se, double critical, double statistic, double p, MetricOptions o) =>
        new(FigureState.Value, test, n1, n2, difference, new Interval(difference - (critical * se), difference + (critical * se)), statistic, p, p < o.SignificanceLevel, null);
}
