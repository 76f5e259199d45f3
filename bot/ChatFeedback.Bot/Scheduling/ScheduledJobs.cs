using System.Globalization;
using Quartz;

namespace ChatFeedback.Bot.Scheduling;

/// <summary>
/// The scheduler's jobs and how their triggers are named: one durable job per kind, one one-shot trigger per row,
/// keyed <c>(row id, job name)</c> so scheduling the same row again replaces rather than duplicates.
/// </summary>
public static class ScheduledJobs
{
    public const string Group = "chatfeedback";

    public static readonly JobKey SendInvitation = new("send-invitation", Group);
    public static readonly JobKey SendReminder = new("send-reminder", Group);
    public static readonly JobKey ExpireInvitation = new("expire-invitation", Group);
    public static readonly JobKey SendCheckIn = new("send-check-in", Group);
    public static readonly JobKey SlaCheck = new("sla-check", Group);

    public static TriggerKey TriggerKeyOf(JobKey job, Guid id)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new TriggerKey(id.ToString("D", CultureInfo.InvariantCulture), job.Name);
    }

    /// <summary>
    /// A one-shot trigger. After downtime it fires at once (FireNow): the job then decides, against its row's window,
    /// whether to act or to record the miss.
    /// </summary>
    public static ITrigger Trigger(JobKey job, Guid id, DateTimeOffset at, TimeProvider timeProvider) =>
        TriggerBuilder.Create(timeProvider)
            .WithIdentity(TriggerKeyOf(job, id))
            .ForJob(job)
            .StartAt(at)
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();

    /// <summary>The row a firing is about: the trigger's name.</summary>
    public static Guid RowId(IJobExecutionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Guid.Parse(context.Trigger.Key.Name, CultureInfo.InvariantCulture);
    }
}
