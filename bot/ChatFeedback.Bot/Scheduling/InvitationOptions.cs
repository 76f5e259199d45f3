using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Scheduling;

/// <summary>When survey invitations go out: <c>Invitations:*</c>. Quiet hours and the default zone apply to check-ins too.</summary>
public sealed class InvitationOptions
{
    public const string SectionName = "Invitations";

    /// <summary>The flow an invitation starts.</summary>
    public string FlowId { get; set; } = "post-purchase-survey";

    /// <summary>How long after the purchase the invitation is due (before quiet hours move it).</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromHours(2);

    /// <summary>The latest an invitation may be sent, counted from the purchase; past it the invitation is skipped or expired.</summary>
    public TimeSpan SendWindow { get; set; } = TimeSpan.FromHours(48);

    /// <summary>Local time of day quiet hours begin (inclusive); equal to <see cref="QuietHoursEnd"/> = no quiet hours.</summary>
    public TimeSpan QuietHoursStart { get; set; } = TimeSpan.FromHours(21);

    /// <summary>Local time of day quiet hours end (exclusive); before the start = the quiet period crosses midnight.</summary>
    public TimeSpan QuietHoursEnd { get; set; } = TimeSpan.FromHours(9);

    /// <summary>IANA zone for customers whose zone is not known.</summary>
    public string DefaultTimeZone { get; set; } = "UTC";

    /// <summary>At most one survey per customer in this period (counted back from the send time).</summary>
    public TimeSpan FrequencyCap { get; set; } = TimeSpan.FromDays(14);

    /// <summary>One reminder this long after sending, if nothing was answered.</summary>
    public TimeSpan ReminderAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>An unanswered invitation expires this long after it was sent.</summary>
    public TimeSpan ExpireAfter { get; set; } = TimeSpan.FromHours(48);

    /// <summary>
    /// A customer in another flow touched this recently is not interrupted: the send moves on by this much (within
    /// the window).
    /// </summary>
    public TimeSpan BusyPostpone { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How far in the future a purchase time may be (clock skew between the shop and us).</summary>
    public TimeSpan AllowedClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Purchase events older than this are rejected as a mistake rather than recorded.</summary>
    public TimeSpan MaxPurchaseAge { get; set; } = TimeSpan.FromDays(90);
}

internal sealed class InvitationOptionsValidator : IValidateOptions<InvitationOptions>
{
    public ValidateOptionsResult Validate(string? name, InvitationOptions options)
    {
        var errors = new List<string>();
        var s = InvitationOptions.SectionName;
        OptionChecks.Flow(errors, $"{s}:FlowId", options.FlowId);
        OptionChecks.Positive(errors, $"{s}:SendWindow", options.SendWindow);
        OptionChecks.Positive(errors, $"{s}:FrequencyCap", options.FrequencyCap);
        OptionChecks.Positive(errors, $"{s}:ExpireAfter", options.ExpireAfter);
        OptionChecks.Positive(errors, $"{s}:BusyPostpone", options.BusyPostpone);
        OptionChecks.Positive(errors, $"{s}:MaxPurchaseAge", options.MaxPurchaseAge);
        OptionChecks.Within(errors, $"{s}:Delay", options.Delay, $"{s}:SendWindow", options.SendWindow);

        if (options.ReminderAfter <= TimeSpan.Zero || options.ReminderAfter >= options.ExpireAfter)
        {
            errors.Add($"{s}:ReminderAfter must be positive and shorter than {s}:ExpireAfter (was {options.ReminderAfter}).");
        }

        if (options.AllowedClockSkew < TimeSpan.Zero)
        {
            errors.Add($"{s}:AllowedClockSkew must not be negative (was {options.AllowedClockSkew}).");
        }

        OptionChecks.TimeOfDay(errors, $"{s}:QuietHoursStart", options.QuietHoursStart);
        OptionChecks.TimeOfDay(errors, $"{s}:QuietHoursEnd", options.QuietHoursEnd);
        OptionChecks.Zone(errors, $"{s}:DefaultTimeZone", options.DefaultTimeZone);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Checks shared by the scheduling validators; each message names the key.</summary>
internal static class OptionChecks
{
    public static void Flow(List<string> errors, string key, string? flowId)
    {
        if (string.IsNullOrWhiteSpace(flowId))
        {
            errors.Add($"{key} must name a loaded flow.");
        }
    }

    /// <summary>A delay of zero or more that ends before the window it sits in.</summary>
    public static void Within(List<string> errors, string key, TimeSpan value, string windowKey, TimeSpan window)
    {
        if (value < TimeSpan.Zero || value >= window)
        {
            errors.Add($"{key} must be zero or more and shorter than {windowKey} (was {value}).");
        }
    }

    public static void Positive(List<string> errors, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{key} must be a positive duration such as 02:00:00 (was {value}).");
        }
    }

    public static void TimeOfDay(List<string> errors, string key, TimeSpan value)
    {
        if (value < TimeSpan.Zero || value >= TimeSpan.FromDays(1))
        {
            errors.Add($"{key} must be a local time of day from 00:00 to 23:59 (was {value}).");
        }
    }

    public static void Zone(List<string> errors, string key, string? zone)
    {
        if (ContactTimePolicy.FindZone(zone) is null)
        {
            errors.Add($"{key} must be an IANA time zone id such as Asia/Shanghai or UTC (was '{zone}').");
        }
    }
}
