using MathNet.Numerics;

namespace ChatFeedback.Analytics;

/// <summary>One variant's declared traffic weight and how many customers were assigned to it.</summary>
public readonly record struct VariantCount(string Variant, double Weight, long Assigned);

/// <summary>
/// The sample-ratio check of an experiment: χ² goodness of fit of the assigned counts against the declared weights
/// (k − 1 degrees of freedom). <see cref="Mismatch"/> is p &lt; <see cref="MetricOptions.SampleRatioMismatchP"/>:
/// assignment or recording is broken and the variant comparison should not be trusted.
/// </summary>
public sealed record SampleRatioCheck(FigureState State, long N, double? ChiSquare, int DegreesOfFreedom, double? PValue, bool Mismatch, IReadOnlyList<double> Expected, string? Reason);

public static class SampleRatio
{
    public static SampleRatioCheck Check(IReadOnlyList<VariantCount> variants, MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(variants);
        var o = MetricOptions.Resolve(options);
        if (variants.Count < 2)
        {
            throw new ArgumentException("A sample-ratio check needs at least two variants.", nameof(variants));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in variants)
        {
            if (!double.IsFinite(v.Weight) || v.Weight <= 0)
            {
                throw new ArgumentException($"The weight of variant '{v.Variant}' must be a positive number; it is {v.Weight}.", nameof(variants));
            }

            if (v.Assigned < 0)
            {
                throw new ArgumentException($"Variant '{v.Variant}' has a negative count.", nameof(variants));
            }

            if (!names.Add(v.Variant))
            {
                throw new ArgumentException($"Variant '{v.Variant}' is named twice.", nameof(variants));
            }
        }

        var n = variants.Sum(v => v.Assigned);
        var totalWeight = variants.Sum(v => v.Weight);
        var expected = variants.Select(v => n * v.Weight / totalWeight).ToArray();
        var df = variants.Count - 1;
        if (n < o.MinimumN)
        {
            return new SampleRatioCheck(FigureState.TooFew, n, null, df, null, false, expected, $"too few assignments (n = {n}, at least {o.MinimumN} needed)");
        }

        // The χ² approximation needs about 5 expected per variant; below that the test says nothing reliable.
        if (expected.Min() < 5)
        {
            return new SampleRatioCheck(FigureState.TooFew, n, null, df, null, false, expected, "too few assignments: a variant expects fewer than 5");
        }

        double chiSquare = 0;
        for (var i = 0; i < variants.Count; i++)
        {
            var gap = variants[i].Assigned - expected[i];
            chiSquare += gap * gap / expected[i];
        }

        // The upper tail Q(df/2, χ²/2) directly: 1 − CDF rounds the small p-values this check exists for to 0.
        var p = SpecialFunctions.GammaUpperRegularized(df / 2.0, chiSquare / 2);
        return new SampleRatioCheck(FigureState.Value, n, chiSquare, df, p, p < o.SampleRatioMismatchP, expected, null);
    }
}
