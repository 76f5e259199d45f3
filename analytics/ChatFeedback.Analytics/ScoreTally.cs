namespace ChatFeedback.Analytics;

/// <summary>
/// Counts of answers per point of an integer scale (1–5 satisfaction, 0–10 NPS, 1–5 or 1–7 effort): everything CSAT,
/// NPS and a scale's mean and variance need, additive, so rollups per segment and day merge into any period.
/// </summary>
public sealed class ScoreTally
{
    private readonly long[] _counts;

    public ScoreTally(int min, int max)
    {
        if (max <= min)
        {
            throw new ArgumentOutOfRangeException(nameof(max), max, $"A scale's top ({max}) must be above its bottom ({min}).");
        }

        if (max - min > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(max), max, "A tally is for rating scales of at most 101 points.");
        }

        Min = min;
        Max = max;
        _counts = new long[max - min + 1];
    }

    /// <summary>The five-level satisfaction scale, 1 (very dissatisfied) to 5 (very satisfied).</summary>
    public static ScoreTally Satisfaction5() => new(1, 5);

    /// <summary>The 0–10 likelihood-to-recommend scale of NPS.</summary>
    public static ScoreTally Nps11() => new(0, 10);

    /// <summary>A tally from stored counts, <paramref name="counts"/>[0] being the count of <paramref name="min"/>.</summary>
    public static ScoreTally FromCounts(int min, ReadOnlySpan<long> counts)
    {
        var tally = new ScoreTally(min, min + counts.Length - 1);
        for (var i = 0; i < counts.Length; i++)
        {
            tally.Add(min + i, counts[i]);
        }

        return tally;
    }

    public static ScoreTally FromAnswers(int min, int max, IEnumerable<int> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var tally = new ScoreTally(min, max);
        foreach (var answer in answers)
        {
            tally.Add(answer);
        }

        return tally;
    }

    public int Min { get; }

    public int Max { get; }

    /// <summary>Number of answers.</summary>
    public long N { get; private set; }

    /// <summary>Counts per scale point, from <see cref="Min"/> to <see cref="Max"/>.</summary>
    public ReadOnlySpan<long> Counts => _counts;

    public long CountOf(int score) => score < Min || score > Max ? 0 : _counts[score - Min];

    /// <summary>Answers from <paramref name="low"/> to <paramref name="high"/>, both included.</summary>
    public long CountBetween(int low, int high)
    {
        long count = 0;
        for (var s = Math.Max(low, Min); s <= Math.Min(high, Max); s++)
        {
            count += _counts[s - Min];
        }

        return count;
    }

    public void Add(int score, long count = 1)
    {
        if (score < Min || score > Max)
        {
            throw new ArgumentOutOfRangeException(nameof(score), score, $"The score is outside the tally's scale {Min}–{Max}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _counts[score - Min] += count;
        N += count;
    }

    /// <summary>Adds another tally of the same scale into this one.</summary>
    public void Merge(ScoreTally other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Min != Min || other.Max != Max)
        {
            throw new ArgumentException($"Cannot merge a {other.Min}–{other.Max} tally into a {Min}–{Max} one.", nameof(other));
        }

        var counts = _counts;
        var theirs = other._counts;
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] += theirs[i];
        }

        N += other.N;
    }

    public ScoreTally Clone()
    {
        var copy = new ScoreTally(Min, Max);
        copy.Merge(this);
        return copy;
    }

    /// <summary>n, sum and sum of squares of the answers (exact: integer scores).</summary>
    public Moments ToMoments()
    {
        double sum = 0, squares = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            double score = Min + i;
            sum += score * _counts[i];
            squares += score * score * _counts[i];
        }

        return new Moments(N, sum, squares);
    }

    /// <summary>Throws when the tally is not on the scale a metric is defined on.</summary>
    internal void RequireScale(int min, int max, string metric)
    {
        if (Min != min || Max != max)
        {
            throw new ArgumentException($"{metric} is defined on a {min}–{max} scale; this tally is {Min}–{Max}.");
        }
    }
}

/// <summary>
/// n, sum and sum of squares of a quantity (per-respondent dimension means, effort scores, minutes): additive, and
/// enough for a mean, a sample variance, a t interval and a Welch test. Values on rating scales keep the sums exact.
/// </summary>
public readonly record struct Moments(long N, double Sum, double SumOfSquares)
{
    public static Moments Of(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var moments = default(Moments);
        foreach (var value in values)
        {
            moments = moments.Add(value);
        }

        return moments;
    }

    public Moments Add(double value) => new(N + 1, Sum + value, SumOfSquares + (value * value));

    public Moments Merge(Moments other) => new(N + other.N, Sum + other.Sum, SumOfSquares + other.SumOfSquares);

    public double Mean => N == 0 ? double.NaN : Sum / N;

    /// <summary>Sample variance (n − 1 in the denominator); NaN below two values, never negative.</summary>
    public double Variance => N < 2 ? double.NaN : Math.Max(0, (SumOfSquares - (Sum * Sum / N)) / (N - 1));
}
