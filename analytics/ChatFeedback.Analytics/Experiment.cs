namespace ChatFeedback.Analytics;

/// <summary>One variant of an experiment: its declared traffic weight and what its customers answered.</summary>
public sealed record VariantTally(string Variant, double Weight, SurveyTally Tally);

/// <summary>A variant's overview, and its change against the control (null for the control itself).</summary>
public sealed record VariantReport(string Variant, Overview Overview, OverviewChange? AgainstControl);

/// <summary>
/// The A/B report: the sample-ratio check over the variants' invitations (customers assigned) against their weights,
/// then each variant's figures and its difference from the control with significance. When
/// <see cref="SampleRatioCheck.Mismatch"/> is set, the differences are not to be trusted.
/// </summary>
public sealed record ExperimentReport(SampleRatioCheck SampleRatio, IReadOnlyList<VariantReport> Variants)
{
    public static ExperimentReport Compute(IReadOnlyList<VariantTally> variants, string control, CsiWeights? weights = null, MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(variants);
        var controlTally = variants.FirstOrDefault(v => string.Equals(v.Variant, control, StringComparison.Ordinal))
            ?? throw new ArgumentException($"Control variant '{control}' is not among the variants ({string.Join(", ", variants.Select(v => v.Variant))}).", nameof(control));
        var check = Analytics.SampleRatio.Check([.. variants.Select(v => new VariantCount(v.Variant, v.Weight, v.Tally.Invited))], options);
        var reports = variants
            .Select(v => new VariantReport(
                v.Variant,
                Overview.Compute(v.Tally, weights, options),
                ReferenceEquals(v, controlTally) ? null : OverviewChange.Compute(controlTally.Tally, v.Tally, weights, options)))
            .ToList();
        return new ExperimentReport(check, reports);
    }
}
