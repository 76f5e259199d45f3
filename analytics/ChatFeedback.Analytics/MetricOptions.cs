namespace ChatFeedback.Analytics;

/// <summary>
/// How figures are reported: below <see cref="MinimumN"/> answers a figure is "too few answers", never a number;
/// intervals are at <see cref="Confidence"/>, and a difference is significant when its p-value is below
/// 1 − <see cref="Confidence"/>. A sample-ratio mismatch is flagged below <see cref="SampleRatioMismatchP"/>.
/// </summary>
public sealed record MetricOptions
{
    public static MetricOptions Default { get; } = new();

    /// <summary>The least n a figure is shown with (default 30).</summary>
    public int MinimumN { get; init; } = 30;

    /// <summary>Confidence level of every interval (default 0.95).</summary>
    public double Confidence { get; init; } = 0.95;

    /// <summary>p-value below which variant counts are flagged as a sample-ratio mismatch (default 0.001).</summary>
    public double SampleRatioMismatchP { get; init; } = 0.001;

    /// <summary>Significance level of the comparisons: 1 − <see cref="Confidence"/>.</summary>
    public double SignificanceLevel => 1 - Confidence;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the property that is out of range.</summary>
    public MetricOptions Validated()
    {
        if (MinimumN < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumN), MinimumN, "MinimumN must be at least 1.");
        }

        if (!(Confidence is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Confidence), Confidence, "Confidence must be between 0 and 1, e.g. 0.95.");
        }

        if (!(SampleRatioMismatchP is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(SampleRatioMismatchP), SampleRatioMismatchP, "SampleRatioMismatchP must be between 0 and 1, e.g. 0.001.");
        }

        return this;
    }

    /// <summary>The two-sided normal quantile for <see cref="Confidence"/> (1.959964 at 0.95).</summary>
    internal double Z => MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 1 - ((1 - Confidence) / 2));

    internal static MetricOptions Resolve(MetricOptions? options) => (options ?? Default).Validated();
}
