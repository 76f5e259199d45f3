using MathNet.Numerics.Distributions;

namespace ChatFeedback.Analytics;

/// <summary>
/// The sufficient statistics of k items answered by the same respondents: n, each item's sum and every sum of
/// cross-products. Additive, so per-day rollups merge; enough for item variances, the variance of the total
/// (Σ of all covariances), Cronbach's α and the dimension's mean. A respondent counts only with every item answered.
/// </summary>
public sealed class ItemCovarianceTally
{
    private readonly double[] _sums;
    private readonly double[] _products; // k × k, row-major; symmetric, both halves kept for a simple merge

    public ItemCovarianceTally(int items)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(items);
        Items = items;
        _sums = new double[items];
        _products = new double[items * items];
    }

    public static ItemCovarianceTally FromRespondents(int items, IEnumerable<IReadOnlyList<double>> respondents)
    {
        ArgumentNullException.ThrowIfNull(respondents);
        var tally = new ItemCovarianceTally(items);
        foreach (var answers in respondents)
        {
            tally.Add([.. answers]);
        }

        return tally;
    }

    /// <summary>A tally restored from stored sums: <paramref name="products"/> is the k × k matrix of Σ xᵢxⱼ, row-major.</summary>
    public static ItemCovarianceTally FromSums(long n, ReadOnlySpan<double> sums, ReadOnlySpan<double> products)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var tally = new ItemCovarianceTally(sums.Length);
        if (products.Length != sums.Length * sums.Length)
        {
            throw new ArgumentException($"{sums.Length} items need {sums.Length * sums.Length} sums of products; {products.Length} were given.", nameof(products));
        }

        sums.CopyTo(tally._sums);
        products.CopyTo(tally._products);
        tally.N = n;
        return tally;
    }

    public int Items { get; }

    public long N { get; private set; }

    /// <summary>Σ of each item's answers, for storing the tally.</summary>
    public ReadOnlySpan<double> Sums => _sums;

    /// <summary>Σ xᵢxⱼ for every pair of items, k × k row-major, for storing the tally.</summary>
    public ReadOnlySpan<double> Products => _products;

    /// <summary>One respondent's answers, one per item in a fixed order.</summary>
    public void Add(ReadOnlySpan<double> answers)
    {
        if (answers.Length != Items)
        {
            throw new ArgumentException($"The tally has {Items} items; the respondent gave {answers.Length} answers.", nameof(answers));
        }

        for (var i = 0; i < Items; i++)
        {
            _sums[i] += answers[i];
            for (var j = 0; j < Items; j++)
            {
                _products[(i * Items) + j] += answers[i] * answers[j];
            }
        }

        N++;
    }

    public void Merge(ItemCovarianceTally other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Items != Items)
        {
            throw new ArgumentException($"Cannot merge a {other.Items}-item tally into a {Items}-item one.", nameof(other));
        }

        for (var i = 0; i < _sums.Length; i++)
        {
            _sums[i] += other._sums[i];
        }

        for (var i = 0; i < _products.Length; i++)
        {
            _products[i] += other._products[i];
        }

        N += other.N;
    }

    /// <summary>Sample covariance of items i and j (variance when i = j); NaN below two respondents.</summary>
    public double Covariance(int i, int j) =>
        N < 2 ? double.NaN : (_products[(i * Items) + j] - (_sums[i] * _sums[j] / N)) / (N - 1);

    /// <summary>Moments of each respondent's total over the items: Σ sums, and Σᵢⱼ cross-products as the sum of squares.</summary>
    public Moments Totals()
    {
        double sum = 0, squares = 0;
        for (var i = 0; i < Items; i++)
        {
            sum += _sums[i];
        }

        for (var i = 0; i < _products.Length; i++)
        {
            squares += _products[i];
        }

        return new Moments(N, sum, squares);
    }

    /// <summary>Moments of each respondent's mean of the items (total / k).</summary>
    public Moments RespondentMeans()
    {
        var totals = Totals();
        return new Moments(N, totals.Sum / Items, totals.SumOfSquares / ((double)Items * Items));
    }
}

/// <summary>Cronbach's α of one dimension: the figure (with Feldt's interval), its item count, and whether α ≥ 0.7.</summary>
public sealed record ReliabilityFigure(Figure Alpha, int Items)
{
    public const double ReliableFrom = 0.7;

    public bool IsReliable => Alpha.Value >= ReliableFrom;
}

public static class Reliability
{
    /// <summary>
    /// α = k / (k − 1) · (1 − Σ var(itemᵢ) / var(total)). Undefined for one item, and when every respondent's total is
    /// the same (identical answers: 0 / 0). Feldt's interval: (1 − α) / (1 − α̂) ~ F(n − 1, (n − 1)(k − 1)).
    /// </summary>
    public static ReliabilityFigure CronbachAlpha(ItemCovarianceTally items, MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        var o = MetricOptions.Resolve(options);
        var k = items.Items;
        var n = items.N;
        if (k < 2)
        {
            return new ReliabilityFigure(Figure.Undefined(n, "α needs at least two items; this dimension has one"), k);
        }

        if (n < o.MinimumN || n < 2)
        {
            return new ReliabilityFigure(Figure.TooFew(n, Math.Max(2, o.MinimumN)), k);
        }

        double itemVariances = 0;
        for (var i = 0; i < k; i++)
        {
            itemVariances += Math.Max(0, items.Covariance(i, i));
        }

        var totalVariance = items.Totals().Variance;
        // Sums of rating-scale answers are exact, so identical totals give exactly 0; the bound absorbs rounding elsewhere.
        if (totalVariance <= 1e-12 * Math.Max(1, itemVariances))
        {
            return new ReliabilityFigure(Figure.Undefined(n, "α is undefined: every respondent's total over the items is the same"), k);
        }

        var alpha = k / (k - 1.0) * (1 - (itemVariances / totalVariance));
        double df1 = n - 1, df2 = (n - 1.0) * (k - 1);
        var tail = (1 - o.Confidence) / 2;
        var lower = 1 - ((1 - alpha) * FisherSnedecor.InvCDF(df1, df2, 1 - tail));
        var upper = 1 - ((1 - alpha) * FisherSnedecor.InvCDF(df1, df2, tail));
        return new ReliabilityFigure(Figure.Of(n, alpha, new Interval(lower, upper)), k);
    }
}
