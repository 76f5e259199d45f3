namespace ChatFeedback.Analytics.Tests;

public class ReliabilityTests
{
    private static readonly MetricOptions TwoOrMore = new() { MinimumN = 2 };

    // Four respondents × three items; totals 5, 8, 10, 13.
    private static readonly double[][] Respondents = [[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 4]];

    [Fact]
    public void AlphaOfThreeItemsMatchesTheHandComputation()
    {
        // Item variances (n − 1): item 1 (1,2,3,4) 5/3; item 2 (2,3,3,5) 4.75/3; item 3 (2,3,4,4) 2.75/3 → Σ = 12.5/3.
        // Totals 5, 8, 10, 13: mean 9, squared deviations 16 + 1 + 1 + 16 = 34 → 34/3.
        // α = 3/2 · (1 − 12.5/34) = 1.5 · 0.632353 = 0.948529.
        // Feldt, df (3, 6): F(0.975; 3, 6) = 6.5988, F(0.025; 3, 6) = 1 / F(0.975; 6, 3) = 1 / 14.7347 (tables)
        // → lower 1 − 0.051471·6.5988 = 0.66036, upper 1 − 0.051471 / 14.7347 = 0.99651.
        var alpha = Reliability.CronbachAlpha(ItemCovarianceTally.FromRespondents(3, Respondents), TwoOrMore);
        Expect.Value(alpha.Alpha, 4, 0.948529, 0.66036, 0.99651, 1e-4);
        Assert.Equal(3, alpha.Items);
        Assert.True(alpha.IsReliable);
    }

    [Fact]
    public void AlphaFromMergedRollupsEqualsAlphaFromAllRespondents()
    {
        var first = ItemCovarianceTally.FromRespondents(3, Respondents[..1]);
        var rest = ItemCovarianceTally.FromRespondents(3, Respondents[1..]);
        first.Merge(rest);
        var merged = Reliability.CronbachAlpha(first, TwoOrMore).Alpha;
        Assert.Equal(0.948529, merged.Value!.Value, 1e-6);
        Assert.Equal(4, merged.N);
    }

    [Fact]
    public void AlphaOfItemsThatAlwaysAgreeIsOne()
    {
        // (1,1,1), (3,3,3), (5,5,5): each item's variance 4, Σ = 12; totals 3, 9, 15 have variance 36.
        // α = 1.5 · (1 − 12/36) = 1.5 · 2/3 = 1.
        var alpha = Reliability.CronbachAlpha(ItemCovarianceTally.FromRespondents(3, [[1, 1, 1], [3, 3, 3], [5, 5, 5]]), TwoOrMore);
        Assert.Equal(1, alpha.Alpha.Value!.Value, 1e-12);
    }

    [Fact]
    public void AlphaOfUnrelatedItemsIsBelowTheReliableLine()
    {
        // (1,5), (5,1), (1,1), (5,5): variances 16/3 each, Σ = 32/3; totals 6, 6, 2, 10: mean 6, deviations 0,0,16,16 → 32/3.
        // α = 2 · (1 − 1) = 0: not reliable.
        var alpha = Reliability.CronbachAlpha(ItemCovarianceTally.FromRespondents(2, [[1, 5], [5, 1], [1, 1], [5, 5]]), TwoOrMore);
        Assert.Equal(0, alpha.Alpha.Value!.Value, 1e-12);
        Assert.False(alpha.IsReliable);
    }

    [Fact]
    public void AlphaOfIdenticalAnswersIsUndefinedNotNaN()
    {
        // Everyone answered 3, 3, 3: every variance is 0, α = 3/2 · (1 − 0/0).
        var alpha = Reliability.CronbachAlpha(ItemCovarianceTally.FromRespondents(3, [[3, 3, 3], [3, 3, 3], [3, 3, 3]]), TwoOrMore);
        Expect.Undefined(alpha.Alpha, "every respondent's total over the items is the same");
        Assert.False(alpha.IsReliable);
    }

    [Fact]
    public void AlphaOfADimensionWithOneItemIsUndefined()
    {
        var alpha = Reliability.CronbachAlpha(ItemCovarianceTally.FromRespondents(1, [[4], [5], [2]]), TwoOrMore);
        Expect.Undefined(alpha.Alpha, "at least two items");
        Assert.Equal(3, alpha.Alpha.N);
    }

    [Fact]
    public void AlphaBelowTheMinimumIsTooFew() =>
        Expect.TooFew(Reliability.CronbachAlpha(ItemCovarianceTally.FromRespondents(3, Respondents)).Alpha, 4);

    [Fact]
    public void AlphaOfOneRespondentIsTooFewEvenWithMinimumOne() =>
        Expect.TooFew(Reliability.CronbachAlpha(ItemCovarianceTally.FromRespondents(3, Respondents[..1]), Expect.AnyN).Alpha, 1);

    [Fact]
    public void ItemTallyRefusesARespondentWithTheWrongNumberOfAnswers()
    {
        var tally = new ItemCovarianceTally(3);
        Assert.Throws<ArgumentException>(() => tally.Add([1, 2]));
        Assert.Throws<ArgumentException>(() => tally.Merge(new ItemCovarianceTally(2)));
    }

    [Fact]
    public void ItemTallyRestoredFromItsStoredSumsGivesTheSameAlpha()
    {
        var stored = ItemCovarianceTally.FromRespondents(3, Respondents);
        // Item sums 1+2+3+4 = 10, 2+3+3+5 = 13, 2+3+4+4 = 13; Σ x₁x₂ = 2 + 6 + 9 + 20 = 37.
        Assert.Equal([10.0, 13, 13], stored.Sums.ToArray());
        Assert.Equal(37, stored.Products[1]);
        var restored = ItemCovarianceTally.FromSums(stored.N, stored.Sums.ToArray(), stored.Products.ToArray());
        Assert.Equal(Reliability.CronbachAlpha(stored, TwoOrMore), Reliability.CronbachAlpha(restored, TwoOrMore));
        Assert.Throws<ArgumentException>(() => ItemCovarianceTally.FromSums(4, [1, 2], [1, 2, 3]));
    }

    [Fact]
    public void ItemTallyTotalsAreTheRespondentsSums()
    {
        // Totals 5, 8, 10, 13: Σ = 36, Σ² = 25 + 64 + 100 + 169 = 358; variance (358 − 36²/4) / 3 = 34/3.
        var totals = ItemCovarianceTally.FromRespondents(3, Respondents).Totals();
        Assert.Equal(new Moments(4, 36, 358), totals);
        Assert.Equal(34.0 / 3, totals.Variance, 12);
    }
}
