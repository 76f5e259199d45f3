namespace ChatFeedback.Bot.Records;

/// <summary>
/// Plans the check-in a detractor's follow-up asks for (<c>ScheduleFollowUp</c>), so the turn's records commit its row
/// with the answers and the case; the scheduler's trigger is set once the row is committed. The scheduling module
/// provides it (<c>Scheduling.FollowUpPlanner</c>).
/// </summary>
public interface IFollowUpPlanner
{
    /// <summary>The check-in <paramref name="request"/> asks for, with its audit entry and case event; nothing is written.</summary>
    PlannedCheckIn Plan(FollowUpRequest request);

    /// <summary>
    /// The row of <paramref name="planned"/> is committed: its trigger is set after the turn, in the background. One lost
    /// in a crash before that is put back at the next start (<c>Scheduling.ScheduleRepairService</c>), from the row.
    /// </summary>
    ValueTask CommittedAsync(PlannedCheckIn planned, CancellationToken cancellationToken);
}

/// <summary>
/// A follow-up to plan: <paramref name="SourceKey"/> names the event that asked for it and fixes the check-in's id, so
/// asking twice for one event plans one check-in.
/// </summary>
public sealed record FollowUpRequest(
    string SourceKey,
    Guid CustomerId,
    Guid? CaseId,
    string? FlowId,
    DateTimeOffset EventAt,
    TimeSpan? Delay,
    DateTimeOffset Now,
    string? TimeZone,
    bool OptedOut);

/// <summary>A planned check-in: the row, the audit entry of its first status, and the event on its case (when it has one and the status is worth one).</summary>
public sealed record PlannedCheckIn(CheckIn CheckIn, AuditEntry Audit, CaseEvent? CaseEvent)
{
    /// <summary>When its trigger fires; null when it was settled at once (opted out, or no time left inside the window).</summary>
    public DateTimeOffset? TriggerAt => CheckIn.Status == CheckInStatus.Scheduled ? CheckIn.DueAt : null;
}
