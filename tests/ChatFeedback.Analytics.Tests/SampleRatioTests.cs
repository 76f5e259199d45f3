namespace ChatFeedback.Analytics.Tests;

public class SampleRatioTests
{
    [Fact]
    public void AFiftyFiftySplitOf5200To4800IsAMismatch()
    {
        // Expected 5000 each: χ² = 200²/5000 + 200²/5000 = 16, df 1; p = P(χ²₁ > 16) = 2·(1 − Φ(4)) = 6.3342e-5 < 0.001.
        var check = SampleRatio.Check([new("A", 50, 5200), new("B", 50, 4800)]);
        Assert.Equal(FigureState.Value, check.State);
        Assert.Equal(16, check.ChiSquare!.Value, 1e-9);
        Assert.Equal(1, check.DegreesOfFreedom);
        Assert.Equal(6.3342e-5, check.PValue!.Value, 1e-8);
        Assert.True(check.Mismatch);
        Assert.Equal([5000.0, 5000.0], check.Expected);
    }

    [Fact]
    public void A5050To4950SplitIsNoMismatch()
    {
        // χ² = 50²/5000 · 2 = 1; p = 2·(1 − Φ(1)) = 0.317311.
        var check = SampleRatio.Check([new("A", 1, 5050), new("B", 1, 4950)]);
        Assert.Equal(0.317311, check.PValue!.Value, 1e-6);
        Assert.False(check.Mismatch);
    }

    [Fact]
    public void ThreeVariantsAreCheckedAgainstUnequalWeights()
    {
        // Weights 2 : 1 : 1 of 2000 → expected 1000, 500, 500; χ² = 0 + 20²/500 + 20²/500 = 1.6, df 2;
        // for df 2 the upper tail is e^(−χ²/2) = e^(−0.8) = 0.449329.
        var check = SampleRatio.Check([new("control", 2, 1000), new("B", 1, 520), new("C", 1, 480)]);
        Assert.Equal(1.6, check.ChiSquare!.Value, 1e-9);
        Assert.Equal(2, check.DegreesOfFreedom);
        Assert.Equal(0.449329, check.PValue!.Value, 1e-6);
        Assert.False(check.Mismatch);
    }

    [Fact]
    public void FewAssignmentsAreTooFewToCheck()
    {
        Assert.Equal(FigureState.TooFew, SampleRatio.Check([new("A", 1, 10), new("B", 1, 5)]).State);
        // 1000 assignments, but a 1 % variant expects 4 (< 5) for χ² to hold.
        Assert.Equal(FigureState.TooFew, SampleRatio.Check([new("A", 99.6, 996), new("B", 0.4, 4)]).State);
    }

    [Fact]
    public void BadVariantsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => SampleRatio.Check([new("A", 1, 10)]));
        Assert.Throws<ArgumentException>(() => SampleRatio.Check([new("A", 1, 10), new("B", 0, 10)]));
        Assert.Throws<ArgumentException>(() => SampleRatio.Check([new("A", 1, 10), new("A", 1, 10)]));
        Assert.Throws<ArgumentException>(() => SampleRatio.Check([new("A", 1, 10), new("B", 1, -1)]));
    }
}
