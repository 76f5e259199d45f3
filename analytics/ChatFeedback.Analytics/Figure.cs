using System.Globalization;

namespace ChatFeedback.Analytics;

/// <summary>Whether a figure is a number, too few answers to show, or undefined for its data.</summary>
public enum FigureState
{
    /// <summary>A value (and, where it is defined, an interval).</summary>
    Value,

    /// <summary>n is below <see cref="MetricOptions.MinimumN"/>: show "too few answers", never the number.</summary>
    TooFew,

    /// <summary>The statistic does not exist for this data (e.g. α of one item, or of identical answers).</summary>
    Undefined,
}

/// <summary>A confidence interval, in the same unit as the figure it belongs to.</summary>
public readonly record struct Interval(double Lower, double Upper);

/// <summary>
/// One reported figure: its n, and when <see cref="State"/> is <see cref="FigureState.Value"/> its value, its
/// interval (null only where none exists, e.g. a mean of one answer) and the standard error behind the interval.
/// Value and interval are never NaN: a figure that cannot be computed is <see cref="FigureState.Undefined"/> with a reason.
/// </summary>
public sealed record Figure(long N, FigureState State, double? Value, Interval? Interval, double? StandardError, string? Reason)
{
    public bool HasValue => State == FigureState.Value;

    public static Figure Of(long n, double value, Interval? interval, double? standardError = null)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A figure's value must be finite; report an undefined figure instead.");
        }

        return new Figure(n, FigureState.Value, value, interval, standardError, null);
    }

    public static Figure TooFew(long n, int minimumN) =>
        new(n, FigureState.TooFew, null, null, null, string.Create(CultureInfo.InvariantCulture, $"too few answers (n = {n}, at least {minimumN} needed)"));

    public static Figure Undefined(long n, string reason) => new(n, FigureState.Undefined, null, null, null, reason);

    public override string ToString() => State switch
    {
        FigureState.Value when Interval is { } i => string.Create(CultureInfo.InvariantCulture, $"{Value:0.##} [{i.Lower:0.##}, {i.Upper:0.##}] (n = {N})"),
        FigureState.Value => string.Create(CultureInfo.InvariantCulture, $"{Value:0.##} (n = {N})"),
        _ => Reason ?? State.ToString(),
    };
}
