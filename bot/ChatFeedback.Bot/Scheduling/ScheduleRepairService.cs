using ChatFeedback.Bot.Records;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace ChatFeedback.Bot.Scheduling;

/// <summary>
/// At start-up, puts back the trigger of every piece of pending work that has none: an invitation to send, remind or
/// expire, a check-in to send. On SQLite a row and its trigger commit one after the other (<see cref="ScheduledWork"/>),
/// so a crash between the two leaves the row without its trigger; a job that failed after its one-shot trigger was
/// consumed leaves the same. Triggers are created with <see cref="TriggerConflict.Keep"/> under their deterministic keys,
/// so one that exists (or that a job or another instance adds meanwhile) is never replaced or duplicated. It runs on
/// PostgreSQL as well, where rows and triggers commit together and it normally finds nothing.
/// </summary>
public sealed partial class ScheduleRepairService(
    IDbContextFactory<RecordsDbContext> contexts,
    ISchedulerFactory schedulers,
    ContactTimePolicy policy,
    TimeProvider timeProvider,
    ILogger<ScheduleRepairService> logger) : IHostedService
{
    public const string RepairedAction = "TriggerRestored";

    private const int PageSize = 1000;

    private static readonly JobKey[] RowJobs = [ScheduledJobs.SendInvitation, ScheduledJobs.SendReminder, ScheduledJobs.ExpireInvitation, ScheduledJobs.SendCheckIn];

    // Registered after the Quartz hosted service, so the scheduler has started; the host is up once the schedule is whole.
    public Task StartAsync(CancellationToken cancellationToken) => RepairAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Creates the missing triggers and returns how many it created.</summary>
    public async Task<int> RepairAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);

        // Triggers first, rows second: a trigger a job adds in between is missing from the list but found by Keep.
        var existing = new HashSet<TriggerKey>();
        foreach (var job in RowJobs)
        {
            await AddTriggerKeysAsync(scheduler, job, existing, cancellationToken);
        }

        var pending = await PendingAsync(cancellationToken);
        var repaired = new List<PendingTrigger>();
        foreach (var work in pending.Where(p => !existing.Contains(ScheduledJobs.TriggerKeyOf(p.Job, p.Id))))
        {
            var result = await scheduler.ScheduleTrigger(ScheduledJobs.Trigger(work.Job, work.Id, work.At, timeProvider), TriggerConflict.Keep, cancellationToken);
            if (result.Outcome == ScheduleOutcome.Created)
            {
                repaired.Add(work);
            }
        }

        if (repaired.Count == 0)
        {
            NothingToRepair(pending.Count);
            return 0;
        }

        await AuditAsync(repaired, cancellationToken);
        foreach (var group in repaired.GroupBy(r => r.Job.Name))
        {
            Repaired(group.Count(), group.Key);
        }

        return repaired.Count;
    }

    private static async Task AddTriggerKeysAsync(IScheduler scheduler, JobKey job, HashSet<TriggerKey> keys, CancellationToken ct)
    {
        // A row's trigger is named by the row and grouped by its job (ScheduledJobs.TriggerKeyOf).
        var query = new TriggerQuery { Group = GroupMatcher<TriggerKey>.GroupEquals(job.Name), Take = PageSize };
        for (var skip = 0; ; skip += PageSize)
        {
            var page = await scheduler.QueryTriggers(query with { Skip = skip }, ct);
            keys.UnionWith(page.Items.Select(t => t.Key));
            if (!page.HasMore)
            {
                return;
            }
        }
    }

    /// <summary>The triggers pending rows should have, from the rows alone: what each status waits for, and when.</summary>
    private async Task<List<PendingTrigger>> PendingAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = timeProvider.GetUtcNow();
        var invitations = await db.Invitations.AsNoTracking()
            .Where(i => i.Status == InvitationStatus.Scheduled || i.Status == InvitationStatus.Sent || i.Status == InvitationStatus.Reminded || i.Status == InvitationStatus.NotReachable)
            .Join(db.Customers, i => i.CustomerId, c => c.Id, (i, c) => new { i.Id, i.Status, i.DueAt, i.ExpiresAt, i.SentAt, i.RemindedAt, c.TimeZone, c.OptedOutAt })
            .ToListAsync(ct);
        var checkIns = await db.CheckIns.AsNoTracking()
            .Where(c => c.Status == CheckInStatus.Scheduled)
            .Select(c => new { c.Id, c.DueAt })
            .ToListAsync(ct);

        var pending = new List<PendingTrigger>();
        foreach (var invitation in invitations)
        {
            if (invitation.Status == InvitationStatus.Scheduled)
            {
                pending.Add(new(ScheduledJobs.SendInvitation, invitation.Id, invitation.DueAt, nameof(Invitation)));
                continue;
            }

            pending.Add(new(ScheduledJobs.ExpireInvitation, invitation.Id, invitation.ExpiresAt, nameof(Invitation)));

            // The reminder's time is not on the row: planned again from the send time, as InvitationService planned it.
            // Moved reminders (quiet hours, busy) still have their trigger, so only a lost one is planned again.
            if (invitation is { Status: InvitationStatus.Sent, RemindedAt: null, OptedOutAt: null, SentAt: { } sentAt } && now < invitation.ExpiresAt
                && policy.PlanReminder(sentAt, policy.ZoneOf(invitation.TimeZone)) is { } remindAt)
            {
                pending.Add(new(ScheduledJobs.SendReminder, invitation.Id, remindAt, nameof(Invitation)));
            }
        }

        pending.AddRange(checkIns.Select(c => new PendingTrigger(ScheduledJobs.SendCheckIn, c.Id, c.DueAt, nameof(CheckIn))));
        return pending;
    }

    private async Task AuditAsync(List<PendingTrigger> repaired, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = timeProvider.GetUtcNow();
        foreach (var work in repaired)
        {
            AuditLog.Add(db, now, work.Entity, work.Id, RepairedAction, AuditLog.Scheduler, $"{work.Job.Name} at {work.At:O}");
        }

        await db.SaveChangesAsync(ct);
    }

    [LoggerMessage(LogLevel.Warning, "Restored {Count} missing {Job} trigger(s) at start-up (rows left without their trigger by a crash or a failed job)")]
    private partial void Repaired(int count, string job);

    [LoggerMessage(LogLevel.Information, "Schedule checked at start-up: all {Count} pending trigger(s) present")]
    private partial void NothingToRepair(int count);

    private sealed record PendingTrigger(JobKey Job, Guid Id, DateTimeOffset At, string Entity);
}
