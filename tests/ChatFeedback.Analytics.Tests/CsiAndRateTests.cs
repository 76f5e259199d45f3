namespace ChatFeedback.Analytics.Tests;

public class CsiAndRateTests
{
    private static readonly CsiWeights Weights = CsiWeights.Create(new Dictionary<string, double>
    {
        ["product_quality"] = 2,
        ["service_experience"] = 1,
        ["process_efficiency"] = 1,
    });

    [Fact]
    public void WeightsAreNormalisedToSumToOne()
    {
        // 2 + 1 + 1 = 4 → 0.5, 0.25, 0.25.
        Assert.Equal(0.5, Weights.WeightOf("product_quality"), 12);
        Assert.Equal(0.25, Weights.WeightOf("service_experience"), 12);
        Assert.Equal(1, Weights.Weights.Values.Sum(), 12);
    }

    [Fact]
    public void CsiIsTheWeightedMeanOfTheDimensionScores()
    {
        // 0.5·80 + 0.25·60 + 0.25·40 = 40 + 15 + 10 = 65; se = √(0.25·2² + 0.0625·4² + 0.0625·4²) = √3 = 1.732051;
        // half 1.959964·1.732051 = 3.394757 → [61.6052, 68.3948].
        var scores = new Dictionary<string, Figure>
        {
            ["product_quality"] = Figure.Of(100, 80, null, 2),
            ["service_experience"] = Figure.Of(90, 60, null, 4),
            ["process_efficiency"] = Figure.Of(120, 40, null, 4),
        };
        // n is the smallest dimension's.
        Expect.Value(Scores.Csi(scores, Weights), 90, 65, 61.6052, 68.3948);
    }

    [Fact]
    public void CsiOfAScoreWithoutAWeightNamesTheUnknownDimension()
    {
        var scores = new Dictionary<string, Figure>
        {
            ["product_quality"] = Figure.Of(100, 80, null, 2),
            ["service_experience"] = Figure.Of(100, 60, null, 4),
            ["process_efficiency"] = Figure.Of(100, 40, null, 4),
            ["brand_trust"] = Figure.Of(100, 70, null, 4),
        };
        var error = Assert.Throws<ArgumentException>(() => Scores.Csi(scores, Weights));
        Assert.Contains("Unknown dimension 'brand_trust'", error.Message, StringComparison.Ordinal);
        Assert.Contains("product_quality, service_experience, process_efficiency", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CsiWithAWeightedDimensionMissingFromTheScoresThrows()
    {
        var scores = new Dictionary<string, Figure> { ["product_quality"] = Figure.Of(100, 80, null, 2) };
        var error = Assert.Throws<ArgumentException>(() => Scores.Csi(scores, Weights));
        Assert.Contains("no score for it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CsiIsTooFewWhenAnyWeightedDimensionIs()
    {
        var scores = new Dictionary<string, Figure>
        {
            ["product_quality"] = Figure.Of(100, 80, null, 2),
            ["service_experience"] = Figure.TooFew(12, 30),
            ["process_efficiency"] = Figure.Of(100, 40, null, 4),
        };
        Expect.TooFew(Scores.Csi(scores, Weights), 12);
    }

    [Fact]
    public void CsiHasNoIntervalWhenADimensionHasNone()
    {
        // n = 1 dimensions (minimum 1) have a value but no standard error: 0.5·100 + 0.25·50 + 0.25·0 = 62.5, no interval.
        var scores = new Dictionary<string, Figure>
        {
            ["product_quality"] = Scores.Dimension(ScoreTally.FromAnswers(1, 5, [5]), Expect.AnyN),
            ["service_experience"] = Scores.Dimension(ScoreTally.FromAnswers(1, 5, [3]), Expect.AnyN),
            ["process_efficiency"] = Scores.Dimension(ScoreTally.FromAnswers(1, 5, [1]), Expect.AnyN),
        };
        var csi = Scores.Csi(scores, Weights, Expect.AnyN);
        Assert.Equal(62.5, csi.Value);
        Assert.Null(csi.Interval);
        Assert.Null(csi.StandardError);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void WeightsMustBePositiveNumbers(double weight)
    {
        var error = Assert.Throws<ArgumentException>(() => CsiWeights.Create(new Dictionary<string, double> { ["a"] = 1, ["brand_trust"] = weight }));
        Assert.Contains("'brand_trust' must be a positive number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WeightsMustNameAtLeastOneDimension() =>
        Assert.Throws<ArgumentException>(() => CsiWeights.Create([]));

    [Fact]
    public void ResponseRateIsAnsweredOfInvitedWithAWilsonInterval()
    {
        // 30 of 120 = 25 %. z²/n = 0.032012, denominator 1.032012; centre (0.25 + 0.016006) / 1.032012 = 0.257756;
        // half 1.959964·√(0.0015625 + 0.0000667) / 1.032012 = 1.959964·0.040364 / 1.032012 = 0.076662 → [18.1098, 33.4411] %.
        Expect.Value(Rates.Response(30, 120), 120, 25, 18.1098, 33.4411);
    }

    [Fact]
    public void CompletionRateIsCompletedOfStartedWithAWilsonInterval()
    {
        // 45 of 50 = 90 %. z²/n = 0.076829, denominator 1.076829; centre (0.9 + 0.038415) / 1.076829 = 0.871459;
        // half 1.959964·√(0.0018 + 0.000384) / 1.076829 = 1.959964·0.046734 / 1.076829 = 0.085060 → [78.6398, 95.6524] %.
        Expect.Value(Rates.Completion(45, 50), 50, 90, 78.6398, 95.6524);
    }

    [Fact]
    public void ARateOfZeroHasALowerBoundOfZeroExactly()
    {
        // 0 of 40: the Wilson lower bound is 0; upper = 2·z²/(2n) / (1 + z²/n) = 0.096036 / 1.096036 = 8.7622 %.
        Expect.Value(Rates.Response(0, 40), 40, 0, 0, 8.7622);
    }

    [Fact]
    public void RatesRefuseMoreSuccessesThanTries()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Rates.Response(121, 120));
        Assert.Equal("answered", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Rates.Completion(-1, 10));
    }

    [Fact]
    public void RateBelowTheMinimumIsTooFew() => Expect.TooFew(Rates.Response(5, 20), 20);

    [Theory]
    [InlineData(0, 0.95, "MinimumN")]
    [InlineData(30, 1, "Confidence")]
    [InlineData(30, 0, "Confidence")]
    public void OptionsOutOfRangeAreRefusedNamingTheProperty(int minimumN, double confidence, string property)
    {
        var options = new MetricOptions { MinimumN = minimumN, Confidence = confidence };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Scores.Csat(ScoreTally.Satisfaction5(), options));
        Assert.Equal(property, error.ParamName);
    }

    [Fact]
    public void NinetyPercentConfidenceNarrowsTheInterval()
    {
        // z(0.95) = 1.644854, z² = 2.705543; 8 of 10: denominator 1.270554; centre (0.8 + 0.135277) / 1.270554 = 0.736117;
        // half 1.644854·√(0.016 + 0.006764) / 1.270554 = 1.644854·0.150877 / 1.270554 = 0.195325 → [54.0793, 93.1442] %.
        Expect.Value(Scores.Csat(ScoreTally.FromCounts(1, [1, 1, 0, 3, 5]), new MetricOptions { MinimumN = 1, Confidence = 0.90 }), 10, 80, 54.0793, 93.1442);
    }
}
