using ChatFeedback.Bot.Records;
using ChatFeedback.Bot.Scheduling;
using Microsoft.EntityFrameworkCore;

namespace ChatFeedback.Bot.Cases;

/// <summary>
/// SLA timers: a case not responded to by <see cref="Case.RespondBy"/> or not resolved by <see cref="Case.HandleBy"/>
/// is breached — a "SlaBreached" event names the deadline and the case goes up one tier (capped at senior
/// management), once per deadline. Run by a recurring sweep: cases are opened by the records handler, so a sweep needs
/// no hook into case creation, and a sweep that missed a run (downtime) catches up on its next one.
/// </summary>
public sealed partial class SlaService(ScheduledWork work, ILogger<SlaService> logger)
{
    public const string BreachEvent = "SlaBreached";
    public const string RespondDeadline = "respond";
    public const string HandleDeadline = "handle";

    /// <summary>Cases looked at per sweep; a larger backlog is worked off over the next sweeps.</summary>
    public const int BatchSize = 200;

    /// <summary>Records every breach due now; returns how many it recorded.</summary>
    public Task<int> SweepAsync(CancellationToken cancellationToken) =>
        work.RunAsync(
            async (db, _, ct) =>
            {
                var now = work.Time.GetUtcNow();
                // Only cases with a breach not yet recorded, so cases already escalated never crowd out the batch.
                var due = await db.Cases
                    .Where(c => c.Status == CaseStatus.Open || c.Status == CaseStatus.Responded)
                    .Where(c => (c.RespondedAt == null && c.RespondBy < now
                            && !db.CaseEvents.Any(e => e.CaseId == c.Id && e.Kind == BreachEvent && e.Detail == RespondDeadline))
                        || (c.HandleBy < now
                            && !db.CaseEvents.Any(e => e.CaseId == c.Id && e.Kind == BreachEvent && e.Detail == HandleDeadline)))
                    .OrderBy(c => c.RespondBy)
                    .Take(BatchSize)
                    .ToListAsync(ct);
                var ids = due.Select(c => c.Id).ToList();
                var recorded = (await db.CaseEvents
                        .Where(e => ids.Contains(e.CaseId) && e.Kind == BreachEvent)
                        .Select(e => new { e.CaseId, e.Detail })
                        .ToListAsync(ct))
                    .Select(e => (e.CaseId, e.Detail))
                    .ToHashSet();
                var breaches = 0;
                foreach (var @case in due)
                {
                    if (@case.RespondedAt is null && @case.RespondBy < now && !recorded.Contains((@case.Id, RespondDeadline)))
                    {
                        Breach(db, @case, RespondDeadline, now);
                        breaches++;
                    }

                    if (@case.HandleBy < now && !recorded.Contains((@case.Id, HandleDeadline)))
                    {
                        Breach(db, @case, HandleDeadline, now);
                        breaches++;
                    }
                }

                return breaches;
            },
            cancellationToken);

    /// <summary>The tier above <paramref name="tier"/>, or the same at the top.</summary>
    public static CaseTier Raise(CaseTier tier) => tier == CaseTier.SeniorManagement ? tier : tier + 1;

    private void Breach(RecordsDbContext db, Case @case, string deadline, DateTimeOffset now)
    {
        var from = @case.Tier;
        @case.Tier = Raise(from);
        @case.UpdatedAt = now;
        db.CaseEvents.Add(new CaseEvent { CaseId = @case.Id, At = now, Kind = BreachEvent, Detail = deadline });
        AuditLog.Add(db, now, nameof(Case), @case.Id, "Escalated", AuditLog.Scheduler, $"{deadline} deadline breached: {from} -> {@case.Tier}");
        Breached(@case.Id, deadline, from, @case.Tier);
    }

    [LoggerMessage(LogLevel.Warning, "Case {CaseId} breached its {Deadline} deadline: {From} -> {To}")]
    private partial void Breached(Guid caseId, string deadline, CaseTier from, CaseTier to);
}
