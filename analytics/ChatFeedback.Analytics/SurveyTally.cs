namespace ChatFeedback.Analytics;

/// <summary>
/// Everything one segment × period (or one variant) of a survey contributes to the overview, additive so an analytics
/// store can keep one per segment and day and merge them into any report: invitations, starts, answers and
/// completions, the CSAT, NPS and effort tallies, and an item tally per dimension.
/// </summary>
public sealed class SurveyTally
{
    private readonly Dictionary<string, ItemCovarianceTally> _dimensions = new(StringComparer.Ordinal);

    /// <param name="effortMin">Bottom of the effort scale (the flows' effort5 and effort7 start at 1).</param>
    /// <param name="effortMax">Top of the effort scale: 5 or 7 in the flows.</param>
    /// <param name="dimensionMin">Bottom of the dimensions' satisfaction scale (1).</param>
    /// <param name="dimensionMax">Top of the dimensions' satisfaction scale (5).</param>
    public SurveyTally(int effortMin = 1, int effortMax = 5, int dimensionMin = 1, int dimensionMax = 5)
    {
        Ces = new ScoreTally(effortMin, effortMax);
        if (dimensionMax <= dimensionMin)
        {
            throw new ArgumentOutOfRangeException(nameof(dimensionMax), dimensionMax, $"A scale's top ({dimensionMax}) must be above its bottom ({dimensionMin}).");
        }

        DimensionMin = dimensionMin;
        DimensionMax = dimensionMax;
    }

    public long Invited { get; set; }

    /// <summary>Invitations answered at all (the response rate's numerator).</summary>
    public long Answered { get; set; }

    /// <summary>Surveys started (the completion rate's denominator).</summary>
    public long Started { get; set; }

    public long Completed { get; set; }

    public ScoreTally Csat { get; } = ScoreTally.Satisfaction5();

    public ScoreTally Nps { get; } = ScoreTally.Nps11();

    public ScoreTally Ces { get; }

    public int DimensionMin { get; }

    public int DimensionMax { get; }

    public IReadOnlyDictionary<string, ItemCovarianceTally> Dimensions => _dimensions;

    /// <summary>The item tally of a dimension, created with <paramref name="items"/> items on first use.</summary>
    public ItemCovarianceTally Dimension(string name, int items)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_dimensions.TryGetValue(name, out var tally))
        {
            tally = new ItemCovarianceTally(items);
            _dimensions.Add(name, tally);
        }
        else if (tally.Items != items)
        {
            throw new ArgumentException($"Dimension '{name}' has {tally.Items} items, not {items}.", nameof(items));
        }

        return tally;
    }

    public void Merge(SurveyTally other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.DimensionMin != DimensionMin || other.DimensionMax != DimensionMax)
        {
            throw new ArgumentException($"Cannot merge dimensions on a {other.DimensionMin}–{other.DimensionMax} scale into {DimensionMin}–{DimensionMax}.", nameof(other));
        }

        Invited += other.Invited;
        Answered += other.Answered;
        Started += other.Started;
        Completed += other.Completed;
        Csat.Merge(other.Csat);
        Nps.Merge(other.Nps);
        Ces.Merge(other.Ces);
        foreach (var (name, theirs) in other._dimensions)
        {
            Dimension(name, theirs.Items).Merge(theirs);
        }
    }
}

/// <summary>The overview tiles of one tally: every figure with n and interval, dimension scores, α per multi-item dimension.</summary>
public sealed record Overview(
    Figure Csat,
    Figure Nps,
    Figure Ces,
    Figure? Csi,
    Figure ResponseRate,
    Figure CompletionRate,
    IReadOnlyDictionary<string, Figure> Dimensions,
    IReadOnlyDictionary<string, ReliabilityFigure> Reliability)
{
    /// <summary>The overview of <paramref name="tally"/>; CSI only when <paramref name="weights"/> are given.</summary>
    public static Overview Compute(SurveyTally tally, CsiWeights? weights = null, MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tally);
        var dimensions = new Dictionary<string, Figure>(StringComparer.Ordinal);
        var reliability = new Dictionary<string, ReliabilityFigure>(StringComparer.Ordinal);
        foreach (var (name, items) in tally.Dimensions)
        {
            dimensions[name] = Scores.Dimension(items, tally.DimensionMin, tally.DimensionMax, options);
            if (items.Items > 1)
            {
                reliability[name] = Analytics.Reliability.CronbachAlpha(items, options);
            }
        }

        Figure? csi = null;
        if (weights is not null)
        {
            // A weighted dimension nobody answered in this segment is a score of n = 0, so CSI reads "too few answers".
            foreach (var name in weights.Weights.Keys)
            {
                if (!dimensions.ContainsKey(name))
                {
                    dimensions[name] = Figure.TooFew(0, MetricOptions.Resolve(options).MinimumN);
                }
            }

            csi = Scores.Csi(dimensions, weights, options);
        }

        return new Overview(
            Scores.Csat(tally.Csat, options),
            Scores.Nps(tally.Nps, options),
            Scores.Ces(tally.Ces, options),
            csi,
            Rates.Response(tally.Answered, tally.Invited, options),
            Rates.Completion(tally.Completed, tally.Started, options),
            dimensions,
            reliability);
    }
}

/// <summary>
/// Before → after (or A → B) for the overview's figures, each with its test: CSAT% and the rates by two-proportion z,
/// NPS over its variance, CES by Welch; each dimension present on both sides by Welch on the respondent means (in
/// 0–100 points), and CSI, when both overviews have one, as a z-test of the two estimates.
/// </summary>
public sealed record OverviewChange(
    Comparison Csat,
    Comparison Nps,
    Comparison Ces,
    Comparison? Csi,
    Comparison ResponseRate,
    Comparison CompletionRate,
    IReadOnlyDictionary<string, Comparison> Dimensions)
{
    public static OverviewChange Compute(SurveyTally before, SurveyTally after, CsiWeights? weights = null, MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (before.DimensionMin != after.DimensionMin || before.DimensionMax != after.DimensionMax)
        {
            throw new ArgumentException("Both tallies' dimensions must be on the same scale.", nameof(after));
        }

        var dimensions = new Dictionary<string, Comparison>(StringComparer.Ordinal);
        var points = 100.0 / (before.DimensionMax - before.DimensionMin);
        foreach (var (name, items) in before.Dimensions)
        {
            if (after.Dimensions.TryGetValue(name, out var theirs))
            {
                dimensions[name] = Scaled(Significance.Means(items.RespondentMeans(), theirs.RespondentMeans(), options), points);
            }
        }

        Comparison? csi = null;
        if (weights is not null)
        {
            csi = Significance.Estimates(Overview.Compute(before, weights, options).Csi!, Overview.Compute(after, weights, options).Csi!, options);
        }

        return new OverviewChange(
            Significance.Csat(before.Csat, after.Csat, options),
            Significance.Nps(before.Nps, after.Nps, options),
            Significance.MeanScore(before.Ces, after.Ces, options),
            csi,
            Significance.Proportions(before.Answered, before.Invited, after.Answered, after.Invited, options),
            Significance.Proportions(before.Completed, before.Started, after.Completed, after.Started, options),
            dimensions);
    }

    // A difference of means on the answer scale, shown in the dimension score's 0–100 points (the test is unchanged).
    private static Comparison Scaled(Comparison c, double points) => c with
    {
        Difference = c.Difference * points,
        Interval = c.Interval is { } i ? new Interval(i.Lower * points, i.Upper * points) : null,
    };
}
