namespace ChatFeedback.Analytics.Tests;

public class ClosedLoopTests
{
    [Fact]
    public void HandlingSharesAreCumulativeAndCountOpenCasesAsNotHandled()
    {
        // 10 h, exactly 24 h, 30 h, 60 h, 80 h, still open: 6 cases; within 24 h 2, within 48 h 3, within 72 h 4.
        var tally = default(HandlingTally);
        foreach (var hours in new double?[] { 10, 24, 30, 60, 80, null })
        {
            tally = tally.Add(hours is { } h ? TimeSpan.FromHours(h) : null);
        }

        Assert.Equal(new HandlingTally(6, 2, 3, 4), tally);
        var figures = ClosedLoop.Handling(tally, Expect.AnyN);
        // 2/6: denominator 1 + 3.841459/6 = 1.640243; centre (0.333333 + 0.320122) / 1.640243 = 0.398389;
        // half 1.959964·√(0.037037 + 0.026677) / 1.640243 = 1.959964·0.252416 / 1.640243 = 0.301617 → [9.6771, 70.0007] %.
        Expect.Value(figures.Within24h, 6, 33.3333, 9.6771, 70.0007);
        // 3/6: centre (0.5 + 0.320122) / 1.640243 = 0.5; half 1.959964·√(0.041667 + 0.026677) / 1.640243 = 0.312384 → [18.7616, 81.2384] %.
        Expect.Value(figures.Within48h, 6, 50, 18.7616, 81.2384);
        // 4/6 mirrors 2/6: [100 − 70.0007, 100 − 9.6771] = [29.9993, 90.3229] %.
        Expect.Value(figures.Within72h, 6, 66.6667, 29.9993, 90.3229);
    }

    [Fact]
    public void HandlingTalliesMerge()
    {
        var merged = new HandlingTally(6, 2, 3, 4).Merge(new HandlingTally(4, 1, 4, 4));
        Assert.Equal(new HandlingTally(10, 3, 7, 8), merged);
    }

    [Fact]
    public void HandlingRefusesATallyWhoseSharesAreNotNested() =>
        Assert.Throws<ArgumentException>(() => ClosedLoop.Handling(new HandlingTally(6, 4, 3, 5)));

    [Fact]
    public void ACaseCannotBeHandledBeforeItOpened() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => default(HandlingTally).Add(TimeSpan.FromMinutes(-1)));

    [Fact]
    public void DetractorToCaseRateIsCasesOfDetractorAnswers()
    {
        // 18 of 20: denominator 1.192073; centre (0.9 + 0.096036) / 1.192073 = 0.835550;
        // half 1.959964·√(0.0045 + 0.0024009) / 1.192073 = 1.959964·0.083072 / 1.192073 = 0.136585 → [69.8966, 97.2134] %.
        Expect.Value(ClosedLoop.DetractorToCaseRate(18, 20, Expect.AnyN), 20, 90, 69.8966, 97.2134);
    }

    [Fact]
    public void RecoveryRateIsTheShareOfCheckInsReRatedFourOrFive()
    {
        // Re-ratings 5, 4, 4, 2, 3: 3 of 5 recovered. Denominator 1.768292; centre (0.6 + 0.384146) / 1.768292 = 0.556551;
        // half 1.959964·√(0.048 + 0.038415) / 1.768292 = 1.959964·0.293965 / 1.768292 = 0.325827 → [23.0724, 88.2379] %.
        Expect.Value(ClosedLoop.RecoveryRate(ScoreTally.FromAnswers(1, 5, [5, 4, 4, 2, 3]), Expect.AnyN), 5, 60, 23.0724, 88.2379);
    }

    [Fact]
    public void RecoveryRateWithNoCheckInsIsTooFew() =>
        Expect.TooFew(ClosedLoop.RecoveryRate(ScoreTally.Satisfaction5()), 0);
}
