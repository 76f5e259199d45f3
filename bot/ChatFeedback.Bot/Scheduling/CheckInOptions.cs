using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Scheduling;

/// <summary>Follow-up check-ins after a resolved case or a detractor who agreed to be contacted: <c>CheckIns:*</c>.</summary>
public sealed class CheckInOptions
{
    public const string SectionName = "CheckIns";

    /// <summary>The flow a check-in starts.</summary>
    public string FlowId { get; set; } = "follow-up";

    /// <summary>How long after the event the check-in is due when the event does not say (a resolved case).</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromHours(48);

    /// <summary>The hard bound after the event: a check-in not sent by then is recorded as missed on the case.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(72);
}

internal sealed class CheckInOptionsValidator : IValidateOptions<CheckInOptions>
{
    public ValidateOptionsResult Validate(string? name, CheckInOptions options)
    {
        var errors = new List<string>();
        var s = CheckInOptions.SectionName;
        OptionChecks.Flow(errors, $"{s}:FlowId", options.FlowId);
        OptionChecks.Positive(errors, $"{s}:Window", options.Window);
        OptionChecks.Within(errors, $"{s}:Delay", options.Delay, $"{s}:Window", options.Window);

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>The scheduler itself: <c>Scheduling:*</c>.</summary>
public sealed class SchedulingOptions
{
    public const string SectionName = "Scheduling";

    /// <summary>How often open cases are checked against their SLA deadlines.</summary>
    public TimeSpan SlaSweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How late a trigger may fire before Quartz treats it as misfired (then it fires at once; the job checks its window).</summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Jobs run at once on this instance (sends are cheap: they queue a turn).</summary>
    public int MaxConcurrency { get; set; } = 8;
}

internal sealed class SchedulingOptionsValidator : IValidateOptions<SchedulingOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulingOptions options)
    {
        var errors = new List<string>();
        var s = SchedulingOptions.SectionName;
        OptionChecks.Positive(errors, $"{s}:SlaSweepInterval", options.SlaSweepInterval);
        if (options.MisfireThreshold < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{s}:MisfireThreshold must be at least 00:00:01 (was {options.MisfireThreshold}).");
        }

        if (options.MaxConcurrency is < 1 or > 256)
        {
            errors.Add($"{s}:MaxConcurrency must be between 1 and 256 (was {options.MaxConcurrency}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
