namespace ChatFeedback.Analytics.Tests;

public class SignificanceTests
{
    [Fact]
    public void CsatChangeIsTestedWithTheTwoProportionZTest()
    {
        // Before 80 of 100 satisfied, after 90 of 100. Pooled p̄ = 170/200 = 0.85; se₀ = √(0.85·0.15·(1/100 + 1/100))
        // = √0.00255 = 0.050498; z = 0.10 / 0.050498 = 1.980295; p = 2·(1 − Φ(1.980295)) = 0.047670 < 0.05: significant.
        // Interval from the unpooled se √(0.8·0.2/100 + 0.9·0.1/100) = √0.0025 = 0.05 → 10 ± 1.959964·5 = [0.2002, 19.7998] points.
        var before = ScoreTally.FromCounts(1, [5, 5, 10, 40, 40]);
        var after = ScoreTally.FromCounts(1, [2, 3, 5, 40, 50]);
        var change = Significance.Csat(before, after);
        Assert.Equal(FigureState.Value, change.State);
        Assert.Equal(Significance.TwoProportionZ, change.Test);
        Assert.Equal(10, change.Difference!.Value, 1e-9);
        Assert.Equal(1.980295, change.Statistic!.Value, 1e-6);
        Assert.Equal(0.047670, change.PValue!.Value, 1e-6);
        Assert.True(change.Significant);
        Assert.Equal(0.2002, change.Interval!.Value.Lower, 1e-4);
        Assert.Equal(19.7998, change.Interval!.Value.Upper, 1e-4);
    }

    [Fact]
    public void CesChangeIsTestedWithWelchsTTest()
    {
        // Before 1, 2, 3, 4, 5 (mean 3, s² 2.5), after 3, 4, 5, 6, 7 (mean 5, s² 2.5) on 1–7.
        // se = √(2.5/5 + 2.5/5) = 1; t = 2; df = (0.5 + 0.5)² / (0.5²/4 + 0.5²/4) = 1 / 0.125 = 8.
        // For even df, P(|T| < t) = sin θ·(1 + cos²θ/2 + 1·3·cos⁴θ/(2·4) + 1·3·5·cos⁶θ/(2·4·6)), sin θ = t/√(df + t²) = 2/√12,
        // cos²θ = 8/12: 0.577350·(1 + 0.333333 + 0.166667 + 0.092593) = 0.919483 → p = 0.080517: not significant at 0.05.
        // t(0.975, 8) = 2.306004 → 2 ± 2.306004 = [−0.306004, 4.306004].
        var change = Significance.MeanScore(ScoreTally.FromAnswers(1, 7, [1, 2, 3, 4, 5]), ScoreTally.FromAnswers(1, 7, [3, 4, 5, 6, 7]), Expect.AnyN);
        Assert.Equal(Significance.WelchT, change.Test);
        Assert.Equal(2, change.Difference!.Value, 1e-12);
        Assert.Equal(2, change.Statistic!.Value, 1e-12);
        Assert.Equal(0.080517, change.PValue!.Value, 1e-6);
        Assert.False(change.Significant);
        Assert.Equal(-0.306004, change.Interval!.Value.Lower, 1e-6);
        Assert.Equal(4.306004, change.Interval!.Value.Upper, 1e-6);
    }

    [Fact]
    public void NpsChangeIsTestedOverTheSumOfTheNpsVariances()
    {
        // Before: 50 promoters, 20 passives, 30 detractors of 100 → NPS 20, var (0.8 − 0.04)/100 = 0.0076.
        // After: 60, 20, 20 → NPS 40, var (0.8 − 0.16)/100 = 0.0064. se = 100·√0.014 = 11.832160; z = 20 / 11.832160 = 1.690309;
        // p = 2·(1 − Φ(1.690309)) = 0.090969: not significant. 20 ± 1.959964·11.832160 = [−3.1906, 43.1906].
        var before = ScoreTally.FromCounts(0, [10, 0, 0, 10, 0, 0, 10, 10, 10, 20, 30]);
        var after = ScoreTally.FromCounts(0, [5, 0, 0, 5, 0, 0, 10, 10, 10, 30, 30]);
        var change = Significance.Nps(before, after);
        Assert.Equal(Significance.NpsZ, change.Test);
        Assert.Equal(20, change.Difference!.Value, 1e-9);
        Assert.Equal(1.690309, change.Statistic!.Value, 1e-6);
        Assert.Equal(0.090969, change.PValue!.Value, 1e-6);
        Assert.False(change.Significant);
        Assert.Equal(-3.1906, change.Interval!.Value.Lower, 1e-4);
        Assert.Equal(43.1906, change.Interval!.Value.Upper, 1e-4);
    }

    [Fact]
    public void AComparisonWithTooFewAnswersOnEitherSideIsTooFew()
    {
        var change = Significance.Proportions(20, 25, 80, 100);
        Assert.Equal(FigureState.TooFew, change.State);
        Assert.Null(change.PValue);
        Assert.Null(change.Difference);
        Assert.False(change.Significant);
        Assert.StartsWith("too few answers", change.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AllSatisfiedOnBothSidesHasNoTestButADifferenceOfZero()
    {
        var change = Significance.Proportions(40, 40, 50, 50);
        Assert.Equal(FigureState.Undefined, change.State);
        Assert.Equal(0, change.Difference);
        Assert.Null(change.PValue);
        Assert.False(change.Significant);
    }

    [Fact]
    public void AllPromotersOnBothSidesHasNoNpsTest()
    {
        var all = ScoreTally.FromCounts(0, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 40]);
        Assert.Equal(FigureState.Undefined, Significance.Nps(all, all.Clone()).State);
    }

    [Fact]
    public void IdenticalAnswersOnBothSidesHaveNoWelchTest()
    {
        var change = Significance.MeanScore(ScoreTally.FromAnswers(1, 5, [2, 2, 2]), ScoreTally.FromAnswers(1, 5, [3, 3, 3]), Expect.AnyN);
        Assert.Equal(FigureState.Undefined, change.State);
        Assert.Equal(1, change.Difference);
    }

    [Fact]
    public void AWelchTestNeedsTwoAnswersOnEachSideWhateverTheMinimum() =>
        Assert.Equal(FigureState.TooFew, Significance.MeanScore(ScoreTally.FromAnswers(1, 5, [2]), ScoreTally.FromAnswers(1, 5, [3, 4]), Expect.AnyN).State);

    [Fact]
    public void RateChangeRefusesImpossibleCounts() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Significance.Proportions(11, 10, 5, 10));

    [Fact]
    public void CsiChangeIsAZTestOfTheTwoEstimates()
    {
        // 65 (se √3) → 70 (se 1): se = √(3 + 1) = 2, z = 5 / 2 = 2.5, p = 2·(1 − Φ(2.5)) = 0.012419; 5 ± 1.959964·2 = [1.080072, 8.919928].
        var change = Significance.Estimates(Figure.Of(100, 65, null, Math.Sqrt(3)), Figure.Of(100, 70, null, 1));
        Assert.Equal(Significance.EstimatesZ, change.Test);
        Assert.Equal(2.5, change.Statistic!.Value, 1e-12);
        Assert.Equal(0.012419, change.PValue!.Value, 1e-6);
        Assert.True(change.Significant);
        Assert.Equal(1.080072, change.Interval!.Value.Lower, 1e-6);
        Assert.Equal(8.919928, change.Interval!.Value.Upper, 1e-6);
        Assert.Equal(FigureState.TooFew, Significance.Estimates(Figure.TooFew(3, 30), Figure.Of(100, 70, null, 1)).State);
        Assert.Equal(FigureState.Undefined, Significance.Estimates(Figure.Of(100, 65, null), Figure.Of(100, 70, null, 1)).State);
    }

    [Fact]
    public void DimensionChangeIsAWelchTestShownInScorePoints()
    {
        // One-item dimension on 1–5. Before 1, 1, 2, 3, 3 (mean 2, s² 4/4 = 1), after 3, 3, 4, 5, 5 (mean 4, s² 1).
        // se = √(1/5 + 1/5) = 0.632456; t = 2 / 0.632456 = 3.162278; df = 0.4² / (0.2²/4 + 0.2²/4) = 0.16 / 0.02 = 8.
        // Even-df closed form: sin θ = √10/√18 = 0.745356, cos²θ = 8/18 = 0.444444;
        // 1 + 0.222222 + 0.375·0.197531 + 0.3125·0.087791 = 1.323731; P(|T| < t) = 0.986651 → p = 0.013349.
        // In 0–100 points (× 100/4 = 25): difference 50; 2 ± 2.306004·0.632456 = [0.541554, 3.458446] → [13.5389, 86.4611].
        var before = new SurveyTally();
        var after = new SurveyTally();
        foreach (var (score, tally) in new[] { (1, before), (1, before), (2, before), (3, before), (3, before), (3, after), (3, after), (4, after), (5, after), (5, after) })
        {
            tally.Dimension("service_experience", 1).Add([score]);
        }

        var change = OverviewChange.Compute(before, after, options: Expect.AnyN).Dimensions["service_experience"];
        Assert.Equal(Significance.WelchT, change.Test);
        Assert.Equal(50, change.Difference!.Value, 1e-9);
        Assert.Equal(3.162278, change.Statistic!.Value, 1e-6);
        Assert.Equal(0.013349, change.PValue!.Value, 1e-6);
        Assert.True(change.Significant);
        Assert.Equal(13.5389, change.Interval!.Value.Lower, 1e-4);
        Assert.Equal(86.4611, change.Interval!.Value.Upper, 1e-4);
    }
}
