namespace ChatFeedback.Analytics.Tests;

// z = Φ⁻¹(0.975) = 1.959964, z² = 3.841459 throughout. Wilson: centre = (p + z²/2n) / (1 + z²/n),
// half-width = z·√(p(1 − p)/n + z²/4n²) / (1 + z²/n).
public class ScoreTests
{
    [Fact]
    public void CsatIsTheShareOfFourAndFiveWithItsWilsonInterval()
    {
        // counts 1:1, 2:1, 3:0, 4:3, 5:5 → n = 10, 8 satisfied, p = 0.8.
        var tally = ScoreTally.FromCounts(1, [1, 1, 0, 3, 5]);
        // denominator 1 + 0.384146 = 1.384146; centre (0.8 + 0.192073) / 1.384146 = 0.716740;
        // half 1.959964·√(0.016 + 0.0096036) / 1.384146 = 1.959964·0.160011 / 1.384146 = 0.226577 → [49.0162, 94.3318] %.
        Expect.Value(Scores.Csat(tally, Expect.AnyN), 10, 80, 49.0162, 94.3318);
    }

    [Fact]
    public void CsatOfOneAnswerIsAHundredPercentWithAWideInterval()
    {
        // n = 1, p = 1: denominator 4.841459; centre (1 + 1.920729) / 4.841459 = 0.603275; half 1.959964·√(3.841459/4) / 4.841459
        // = 1.959964·0.979982 / 4.841459 = 0.396725 → lower 0.206549; the upper bound at x = n is 1 exactly.
        var tally = ScoreTally.FromAnswers(1, 5, [5]);
        Expect.Value(Scores.Csat(tally, Expect.AnyN), 1, 100, 20.6549, 100);
    }

    [Fact]
    public void CsatBelowTheMinimumIsTooFewAnswersNotANumber()
    {
        // 29 answers, all satisfied, against the default minimum of 30.
        var tally = ScoreTally.FromCounts(1, [0, 0, 0, 0, 29]);
        Expect.TooFew(Scores.Csat(tally), 29);
        Assert.Equal("too few answers (n = 29, at least 30 needed)", Scores.Csat(tally).ToString());
        // At the minimum it is a number: 30 of 30.
        tally.Add(5);
        Assert.Equal(100, Scores.Csat(tally).Value);
    }

    [Fact]
    public void CsatOfNoAnswersIsTooFewEvenWithMinimumOne() =>
        Expect.TooFew(Scores.Csat(ScoreTally.Satisfaction5(), Expect.AnyN), 0);

    [Fact]
    public void CsatRefusesATallyOnAnotherScale() =>
        Assert.Throws<ArgumentException>(() => Scores.Csat(ScoreTally.Nps11()));

    [Fact]
    public void NpsIsPromotersMinusDetractorsWithTheNpsVarianceInterval()
    {
        // 10, 10, 9, 9, 9 promoters (5), 8, 7 passive, 6, 3, 0 detractors (3): NPS = 100·(0.5 − 0.3) = 20.
        // var = (0.5 + 0.3 − 0.2²) / 10 = 0.076; se = 100·√0.076 = 27.5681 points; half 1.959964·27.5681 = 54.0325
        // → [−34.0325, 74.0325].
        var tally = ScoreTally.FromAnswers(0, 10, [10, 10, 9, 9, 9, 8, 7, 6, 3, 0]);
        var nps = Scores.Nps(tally, Expect.AnyN);
        Expect.Value(nps, 10, 20, -34.0325, 74.0325);
        Assert.Equal(27.5681, nps.StandardError!.Value, 1e-4);
    }

    [Fact]
    public void NpsOfAllPromotersIsAHundredWithNoSpread()
    {
        // 50 answers of 9 or 10: p₊ = 1, p₋ = 0, var = (1 + 0 − 1²) / 50 = 0 → 100 [100, 100].
        var tally = ScoreTally.FromCounts(0, [0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 30]);
        Expect.Value(Scores.Nps(tally), 50, 100, 100, 100);
    }

    [Fact]
    public void NpsOfOneDetractorIsMinusAHundred()
    {
        // n = 1, score 6: p₋ = 1, var = (0 + 1 − (−1)²) / 1 = 0 → −100 [−100, −100].
        Expect.Value(Scores.Nps(ScoreTally.FromAnswers(0, 10, [6]), Expect.AnyN), 1, -100, -100, -100);
    }

    [Fact]
    public void NpsIntervalStaysInsideMinusAHundredToAHundred()
    {
        // 9 promoters, 1 detractor: NPS 80; var = (0.9 + 0.1 − 0.64) / 10 = 0.036, se 18.9737, half 37.1877 → [42.81, 117.19], kept ≤ 100.
        var nps = Scores.Nps(ScoreTally.FromAnswers(0, 10, [10, 10, 10, 10, 10, 9, 9, 9, 9, 0]), Expect.AnyN);
        Expect.Value(nps, 10, 80, 42.8123, 100);
    }

    [Fact]
    public void NpsBelowTheMinimumIsTooFew() =>
        Expect.TooFew(Scores.Nps(ScoreTally.FromAnswers(0, 10, [10, 9, 0])), 3);

    [Fact]
    public void CesIsTheMeanEffortWithATInterval()
    {
        // 1, 2, 2, 3, 7 on 1–7: mean 15/5 = 3; squared deviations 4 + 1 + 1 + 0 + 16 = 22, s² = 22/4 = 5.5,
        // se = √(5.5/5) = 1.048809; t(0.975, 4) = 2.776445 → half 2.911960 → [0.088040, 5.911960].
        var effort = ScoreTally.FromAnswers(1, 7, [1, 2, 2, 3, 7]);
        Expect.Value(Scores.Ces(effort, Expect.AnyN), 5, 3, 0.08804, 5.91196);
    }

    [Fact]
    public void CesOfOneAnswerHasAValueButNoInterval()
    {
        // n = 1: the mean is the answer; s has n − 1 = 0 degrees of freedom, so there is no t interval (not NaN).
        var ces = Scores.Ces(ScoreTally.FromAnswers(1, 5, [2]), Expect.AnyN);
        Assert.Equal(FigureState.Value, ces.State);
        Assert.Equal(2, ces.Value);
        Assert.Null(ces.Interval);
        Assert.Equal("2 (n = 1)", ces.ToString());
    }

    [Fact]
    public void CesOfIdenticalAnswersHasAPointInterval()
    {
        // 2, 2, 2: s = 0 → [2, 2].
        Expect.Value(Scores.Ces(ScoreTally.FromAnswers(1, 5, [2, 2, 2]), Expect.AnyN), 3, 2, 2, 2);
    }

    [Fact]
    public void OneItemDimensionScoreIsItsMeanOnZeroToAHundred()
    {
        // 3, 4, 5, 4 on 1–5: mean 4 → (4 − 1) / 4 · 100 = 75. s² = (1 + 0 + 1 + 0) / 3 = 2/3, se = √(2/3 / 4) = 0.408248 raw
        // = 10.2062 points; t(0.975, 3) = 3.182446 → half 1.299228 raw; lower (4 − 1.299228 − 1)·25 = 42.5193,
        // upper (4 + 1.299228 − 1)·25 = 107.48, kept at 100.
        var dimension = Scores.Dimension(ScoreTally.FromAnswers(1, 5, [3, 4, 5, 4]), Expect.AnyN);
        Expect.Value(dimension, 4, 75, 42.5193, 100);
        Assert.Equal(10.2062, dimension.StandardError!.Value, 1e-4);
    }

    [Fact]
    public void MultiItemDimensionScoreIsTheMeanOfEachRespondentsItemMean()
    {
        // Respondents (2, 4), (4, 4), (3, 5): their means 3, 4, 4 → mean 11/3 = 3.6667 → (3.6667 − 1)·25 = 66.6667.
        // s² of 3, 4, 4 = ((−2/3)² + (1/3)² + (1/3)²) / 2 = (6/9) / 2 = 1/3; se = √(1/9) = 1/3; t(0.975, 2) = 4.302653
        // → half 1.434218 raw; lower (3.666667 − 1.434218 − 1)·25 = 30.8112; upper (3.666667 + 1.434218 − 1)·25 = 102.5 → 100.
        var items = ItemCovarianceTally.FromRespondents(2, [[2, 4], [4, 4], [3, 5]]);
        Expect.Value(Scores.Dimension(items, 1, 5, Expect.AnyN), 3, 66.6667, 30.8112, 100);
    }

    [Fact]
    public void DimensionBelowTheMinimumIsTooFew() =>
        Expect.TooFew(Scores.Dimension(ScoreTally.FromAnswers(1, 5, [4, 5])), 2);
}
