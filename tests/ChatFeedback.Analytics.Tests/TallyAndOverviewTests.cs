namespace ChatFeedback.Analytics.Tests;

public class TallyAndOverviewTests
{
    [Fact]
    public void ScoreTalliesMergeByAddingCounts()
    {
        var monday = ScoreTally.FromAnswers(1, 5, [5, 4, 1]);
        var tuesday = ScoreTally.FromAnswers(1, 5, [4, 4, 3, 2]);
        monday.Merge(tuesday);
        Assert.Equal([1L, 1, 1, 3, 1], monday.Counts.ToArray());
        Assert.Equal(7, monday.N);
        // Σ = 5 + 4 + 1 + 4 + 4 + 3 + 2 = 23; Σ² = 25 + 16 + 1 + 16 + 16 + 9 + 4 = 87.
        Assert.Equal(new Moments(7, 23, 87), monday.ToMoments());
        Assert.Equal(4, tuesday.N);
    }

    [Fact]
    public void ScoreTalliesRefuseAnswersAndTalliesOffTheirScale()
    {
        var tally = ScoreTally.Satisfaction5();
        Assert.Throws<ArgumentOutOfRangeException>(() => tally.Add(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => tally.Add(6));
        Assert.Throws<ArgumentException>(() => tally.Merge(ScoreTally.Nps11()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScoreTally(5, 5));
    }

    [Fact]
    public void MomentsGiveTheSampleVariance()
    {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations 9 + 1 + 1 + 1 + 0 + 0 + 4 + 16 = 32 → s² = 32/7.
        var moments = Moments.Of([2, 4, 4, 4, 5, 5, 7, 9]);
        Assert.Equal(5, moments.Mean, 12);
        Assert.Equal(32.0 / 7, moments.Variance, 12);
        Assert.True(double.IsNaN(default(Moments).Mean));
        Assert.True(double.IsNaN(Moments.Of([3]).Variance));
    }

    [Fact]
    public void OverviewOfMergedDailyTalliesEqualsTheOverviewOfAllAnswers()
    {
        var whole = NewTally();
        var days = Enumerable.Range(0, 3).Select(_ => NewTally()).ToArray();
        var random = new Random(7);
        for (var i = 0; i < 600; i++)
        {
            var day = days[i % 3];
            foreach (var tally in new[] { whole, day })
            {
                tally.Invited++;
            }

            if (random.Next(3) == 0)
            {
                continue;
            }

            var (csat, nps, ces) = (random.Next(1, 6), random.Next(0, 11), random.Next(1, 8));
            double[] quality = [random.Next(1, 6), random.Next(1, 6)];
            double[] service = [random.Next(1, 6)];
            foreach (var tally in new[] { whole, day })
            {
                tally.Answered++;
                tally.Started++;
                tally.Completed += i % 5 == 0 ? 0 : 1;
                tally.Csat.Add(csat);
                tally.Nps.Add(nps);
                tally.Ces.Add(ces);
                tally.Dimension("product_quality", 2).Add(quality);
                tally.Dimension("service_experience", 1).Add(service);
            }
        }

        var merged = NewTally();
        foreach (var day in days)
        {
            merged.Merge(day);
        }

        var weights = CsiWeights.Create(new Dictionary<string, double> { ["product_quality"] = 3, ["service_experience"] = 1 });
        var expected = Overview.Compute(whole, weights);
        var actual = Overview.Compute(merged, weights);
        Assert.Equal(600, merged.Invited);
        Assert.Equal(expected.Csat, actual.Csat);
        Assert.Equal(expected.Nps, actual.Nps);
        Assert.Equal(expected.ResponseRate, actual.ResponseRate);
        Assert.Equal(expected.CompletionRate, actual.CompletionRate);
        Assert.Equal(expected.Ces.Value!.Value, actual.Ces.Value!.Value, 1e-9);
        Assert.Equal(expected.Csi!.Value!.Value, actual.Csi!.Value!.Value, 1e-9);
        Assert.Equal(expected.Reliability["product_quality"].Alpha.Value!.Value, actual.Reliability["product_quality"].Alpha.Value!.Value, 1e-9);
        // α only for the multi-item dimension; every figure a number at n ≈ 400.
        Assert.Equal(["product_quality"], actual.Reliability.Keys);
        Assert.All(new[] { actual.Csat, actual.Nps, actual.Ces, actual.Csi, actual.ResponseRate, actual.CompletionRate }, f => Assert.True(f.HasValue));
    }

    [Fact]
    public void OverviewComputesEachTileFromItsTally()
    {
        // 40 invited, 32 answered; 32 started, 30 completed; CSAT 24 of 32 at 4–5; NPS 16 promoters, 8 detractors of 32.
        var tally = NewTally();
        tally.Invited = 40;
        tally.Answered = 32;
        tally.Started = 32;
        tally.Completed = 30;
        tally.Csat.Add(5, 12);
        tally.Csat.Add(4, 12);
        tally.Csat.Add(2, 8);
        tally.Nps.Add(10, 16);
        tally.Nps.Add(8, 8);
        tally.Nps.Add(3, 8);
        tally.Ces.Add(2, 32);
        var overview = Overview.Compute(tally);
        Assert.Equal(75, overview.Csat.Value);    // 24 / 32
        Assert.Equal(25, overview.Nps.Value);     // 100 · (16 − 8) / 32
        Assert.Equal(2, overview.Ces.Value);      // all 2
        Assert.Equal(80, overview.ResponseRate.Value);      // 32 / 40
        Assert.Equal(93.75, overview.CompletionRate.Value); // 30 / 32
        Assert.Null(overview.Csi);
    }

    [Fact]
    public void CsiOfASegmentWhereAWeightedDimensionWasNeverAnsweredIsTooFew()
    {
        var tally = NewTally();
        for (var i = 0; i < 40; i++)
        {
            tally.Dimension("product_quality", 1).Add([4]);
        }

        var weights = CsiWeights.Create(new Dictionary<string, double> { ["product_quality"] = 1, ["brand_trust"] = 1 });
        var overview = Overview.Compute(tally, weights);
        Expect.TooFew(overview.Csi!, 0);
        Expect.TooFew(overview.Dimensions["brand_trust"], 0);
        Assert.Equal(75, overview.Dimensions["product_quality"].Value);
    }

    [Fact]
    public void OverviewRefusesADimensionTheWeightsDoNotName()
    {
        var tally = NewTally();
        tally.Dimension("packaging", 1).Add([4]);
        var weights = CsiWeights.Create(new Dictionary<string, double> { ["product_quality"] = 1 });
        var error = Assert.Throws<ArgumentException>(() => Overview.Compute(tally, weights));
        Assert.Contains("Unknown dimension 'packaging'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADimensionKeepsItsItemCount() =>
        Assert.Throws<ArgumentException>(() =>
        {
            var tally = NewTally();
            tally.Dimension("product_quality", 2);
            tally.Dimension("product_quality", 3);
        });

    [Fact]
    public void ExperimentReportComparesEachVariantWithTheControlAndChecksTheSampleRatio()
    {
        // A: 1000 invited, 500 answered (50 %); B: 1000 invited, 600 answered (60 %). Pooled 1100/2000 = 0.55;
        // se₀ = √(0.55·0.45·0.002) = 0.022249; z = 0.10 / 0.022249 = 4.494666 → p = 6.97e-6: B's response rate is higher.
        // Assignments 1000 : 1000 against 1 : 1 → χ² = 0, p = 1, no mismatch.
        var a = NewTally();
        a.Invited = 1000;
        a.Answered = 500;
        var b = NewTally();
        b.Invited = 1000;
        b.Answered = 600;
        var report = ExperimentReport.Compute([new("A", 1, a), new("B", 1, b)], control: "A");
        Assert.False(report.SampleRatio.Mismatch);
        Assert.Equal(1, report.SampleRatio.PValue!.Value, 1e-12);
        Assert.Null(report.Variants[0].AgainstControl);
        var change = report.Variants[1].AgainstControl!.ResponseRate;
        Assert.Equal(10, change.Difference!.Value, 1e-9);
        Assert.Equal(4.494666, change.Statistic!.Value, 1e-6);
        Assert.True(change.Significant);
        // No answers to score yet: the score comparisons say so.
        Assert.Equal(FigureState.TooFew, report.Variants[1].AgainstControl!.Csat.State);
    }

    [Fact]
    public void ExperimentReportNeedsItsControlAmongTheVariants()
    {
        var error = Assert.Throws<ArgumentException>(() => ExperimentReport.Compute([new("A", 1, NewTally()), new("B", 1, NewTally())], control: "C"));
        Assert.Contains("'C' is not among the variants (A, B)", error.Message, StringComparison.Ordinal);
    }

    private static SurveyTally NewTally() => new(effortMin: 1, effortMax: 7);
}
