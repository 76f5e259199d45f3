using MathNet.Numerics.Distributions;

namespace ChatFeedback.Analytics;

/// <summary>Shares and rates in percent (0–100) with Wilson score intervals.</summary>
public static class Rates
{
    /// <summary>Response rate: surveys answered of those invited, in percent.</summary>
    public static Figure Response(long answered, long invited, MetricOptions? options = null) =>
        Proportion(answered, invited, options, nameof(answered), nameof(invited));

    /// <summary>Completion rate: surveys completed of those started, in percent.</summary>
    public static Figure Completion(long completed, long started, MetricOptions? options = null) =>
        Proportion(completed, started, options, nameof(completed), nameof(started));

    /// <summary><paramref name="successes"/> of <paramref name="n"/> in percent, with its Wilson interval.</summary>
    public static Figure Proportion(long successes, long n, MetricOptions? options = null) =>
        Proportion(successes, n, options, nameof(successes), nameof(n));

    /// <summary>The Wilson score interval of a proportion (0–1); n must be positive.</summary>
    public static Interval Wilson(long successes, long n, double z)
    {
        Check(successes, n, nameof(successes), nameof(n));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        double p = (double)successes / n, z2 = z * z;
        var denominator = 1 + (z2 / n);
        var centre = (p + (z2 / (2 * n))) / denominator;
        var half = z * Math.Sqrt((p * (1 - p) / n) + (z2 / (4.0 * n * n))) / denominator;
        // At 0 and n the bound is 0 or 1 exactly; the formula's rounding must not push it past.
        return new Interval(successes == 0 ? 0 : Math.Max(0, centre - half), successes == n ? 1 : Math.Min(1, centre + half));
    }

    internal static Figure Proportion(long successes, long n, MetricOptions? options, string successesName, string nName)
    {
        Check(successes, n, successesName, nName);
        var o = MetricOptions.Resolve(options);
        if (n < o.MinimumN || n == 0)
        {
            return Figure.TooFew(n, o.MinimumN);
        }

        var p = (double)successes / n;
        var wilson = Wilson(successes, n, o.Z);
        return Figure.Of(n, 100 * p, new Interval(100 * wilson.Lower, 100 * wilson.Upper), 100 * Math.Sqrt(p * (1 - p) / n));
    }

    internal static void Check(long successes, long n, string successesName, string nName)
    {
        if (n < 0)
        {
            throw new ArgumentOutOfRangeException(nName, n, $"{nName} cannot be negative.");
        }

        if (successes < 0 || successes > n)
        {
            throw new ArgumentOutOfRangeException(successesName, successes, $"{successesName} must be between 0 and {nName} ({n}).");
        }
    }

    // From the lower tail, so small p-values keep their digits instead of rounding 1 − CDF to 0.
    internal static double TwoSidedNormalP(double z) => 2 * Normal.CDF(0, 1, -Math.Abs(z));
}
