namespace ChatFeedback.Analytics.Tests;

/// <summary>Assertions for figures: expected values are hand-computed, so they are compared to a stated precision.</summary>
internal static class Expect
{
    /// <summary>Least n = 1: the hand examples are small; the minimum has its own tests.</summary>
    public static readonly MetricOptions AnyN = new() { MinimumN = 1 };

    public static void Value(Figure figure, long n, double value, double lower, double upper, double precision = 1e-4)
    {
        Assert.Equal(FigureState.Value, figure.State);
        Assert.Equal(n, figure.N);
        Assert.Equal(value, figure.Value!.Value, precision);
        Assert.NotNull(figure.Interval);
        Assert.Equal(lower, figure.Interval.Value.Lower, precision);
        Assert.Equal(upper, figure.Interval.Value.Upper, precision);
    }

    public static void TooFew(Figure figure, long n)
    {
        Assert.Equal(FigureState.TooFew, figure.State);
        Assert.Equal(n, figure.N);
        Assert.Null(figure.Value);
        Assert.Null(figure.Interval);
        Assert.StartsWith("too few answers", figure.Reason, StringComparison.Ordinal);
    }

    public static void Undefined(Figure figure, string reasonPart)
    {
        Assert.Equal(FigureState.Undefined, figure.State);
        Assert.Null(figure.Value);
        Assert.Null(figure.Interval);
        Assert.Contains(reasonPart, figure.Reason, StringComparison.Ordinal);
    }
}
