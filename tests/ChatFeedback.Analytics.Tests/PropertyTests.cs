using CsCheck;

namespace ChatFeedback.Analytics.Tests;

/// <summary>What holds for any data: intervals inside their range and around the value, no NaN, merging order-free.</summary>
public class PropertyTests
{
    private static readonly Gen<int[]> NpsAnswers = Gen.Int[0, 10].Array[1, 300];
    private static readonly Gen<int[][]> Respondents = Gen.Int[2, 5].SelectMany(k => Gen.Int[1, 5].Array[k].Array[2, 60]);

    [Fact]
    public void WilsonIntervalsLieInsideZeroToAHundredAndAroundTheShare() =>
        Gen.Int[1, 100_000].SelectMany(n => Gen.Int[0, n].Select(x => (x, n))).Sample(t =>
        {
            var rate = Rates.Proportion(t.x, t.n, Expect.AnyN);
            var i = rate.Interval!.Value;
            Assert.InRange(i.Lower, 0, rate.Value!.Value);
            Assert.InRange(i.Upper, rate.Value!.Value, 100);
        });

    [Fact]
    public void NpsAndItsIntervalStayInsideMinusAHundredToAHundred() =>
        NpsAnswers.Sample(answers =>
        {
            var nps = Scores.Nps(ScoreTally.FromAnswers(0, 10, answers), Expect.AnyN);
            var i = nps.Interval!.Value;
            Assert.InRange(nps.Value!.Value, -100, 100);
            Assert.InRange(i.Lower, -100, nps.Value!.Value + 1e-9);
            Assert.InRange(i.Upper, nps.Value!.Value - 1e-9, 100);
        });

    [Fact]
    public void MergingATallySplitAnywhereGivesTheSameFigures() =>
        NpsAnswers.SelectMany(a => Gen.Int[0, a.Length].Select(cut => (a, cut))).Sample(t =>
        {
            var left = ScoreTally.FromAnswers(0, 10, t.a[..t.cut]);
            left.Merge(ScoreTally.FromAnswers(0, 10, t.a[t.cut..]));
            var whole = ScoreTally.FromAnswers(0, 10, t.a);
            Assert.Equal(Scores.Nps(whole, Expect.AnyN), Scores.Nps(left, Expect.AnyN));
            Assert.Equal(Scores.Ces(whole, Expect.AnyN), Scores.Ces(left, Expect.AnyN));
        });

    [Fact]
    public void AlphaIsANumberAtMostOneOrUndefinedNeverNaN() =>
        Respondents.Sample(rows =>
        {
            var items = ItemCovarianceTally.FromRespondents(rows[0].Length, rows.Select(r => (IReadOnlyList<double>)[.. r.Select(x => (double)x)]));
            var alpha = Reliability.CronbachAlpha(items, Expect.AnyN).Alpha;
            if (alpha.HasValue)
            {
                Assert.True(double.IsFinite(alpha.Value!.Value));
                Assert.True(alpha.Value <= 1 + 1e-9, $"α = {alpha.Value}");
                Assert.True(double.IsFinite(alpha.Interval!.Value.Lower) && double.IsFinite(alpha.Interval.Value.Upper));
                Assert.True(alpha.Interval.Value.Lower <= alpha.Value + 1e-9 && alpha.Value <= alpha.Interval.Value.Upper + 1e-9);
            }
            else
            {
                Assert.Equal(FigureState.Undefined, alpha.State);
                Assert.NotNull(alpha.Reason);
            }
        });

    [Fact]
    public void AlphaFromRollupsSplitAnywhereEqualsAlphaFromAllRespondents() =>
        Respondents.SelectMany(rows => Gen.Int[0, rows.Length].Select(cut => (rows, cut))).Sample(t =>
        {
            var k = t.rows[0].Length;
            IEnumerable<IReadOnlyList<double>> Rows(IEnumerable<int[]> rows) => rows.Select(r => (IReadOnlyList<double>)[.. r.Select(x => (double)x)]);
            var merged = ItemCovarianceTally.FromRespondents(k, Rows(t.rows[..t.cut]));
            merged.Merge(ItemCovarianceTally.FromRespondents(k, Rows(t.rows[t.cut..])));
            var whole = Reliability.CronbachAlpha(ItemCovarianceTally.FromRespondents(k, Rows(t.rows)), Expect.AnyN).Alpha;
            var fromRollups = Reliability.CronbachAlpha(merged, Expect.AnyN).Alpha;
            Assert.Equal(whole.State, fromRollups.State);
            if (whole.HasValue)
            {
                Assert.Equal(whole.Value!.Value, fromRollups.Value!.Value, 1e-9);
            }
        });

    [Fact]
    public void ComparisonsOfAnyTwoTalliesGiveAPValueBetweenZeroAndOneOrNone() =>
        Gen.Select(NpsAnswers, NpsAnswers).Sample(t =>
        {
            var before = ScoreTally.FromAnswers(0, 10, t.Item1);
            var after = ScoreTally.FromAnswers(0, 10, t.Item2);
            foreach (var change in new[] { Significance.Nps(before, after, Expect.AnyN), Significance.MeanScore(before, after, Expect.AnyN) })
            {
                if (change.PValue is { } p)
                {
                    Assert.InRange(p, 0, 1);
                    Assert.Equal(p < 0.05, change.Significant);
                }
                else
                {
                    Assert.False(change.Significant);
                }
            }
        });
}
