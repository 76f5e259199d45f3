using ChatFeedback.Bot.Records;
using ChatFeedback.Bot.Scheduling;
using Microsoft.EntityFrameworkCore;

namespace ChatFeedback.Bot.Cases;

public enum CaseChange
{
    Done,
    NotFound,
    AlreadyResolved,
}

/// <summary>The result of a case change: what happened, the case as it is now, and the check-in resolving planned.</summary>
public sealed record CaseChangeResult(CaseChange Outcome, Case? Case, CheckIn? CheckIn = null);

/// <summary>
/// An agent's actions on a case through the API: respond, resolve. Each adds a timeline event and an audit entry in
/// one transaction; resolving also plans the 72-hour check-in in that transaction.
/// </summary>
public sealed class CaseService(ScheduledWork work, CheckInService checkIns)
{
    public const string RespondedEvent = "Responded";
    public const string ResolvedEvent = "Resolved";

    public Task<CaseChangeResult> RespondAsync(Guid caseId, string note, string actor, CancellationToken cancellationToken) =>
        ChangeOpenAsync(caseId, RespondedEvent, note, actor, (_, _, found, now, _) =>
        {
            found.RespondedAt ??= now;
            found.Status = CaseStatus.Responded;
            return Task.FromResult<CheckIn?>(null);
        }, cancellationToken);

    public Task<CaseChangeResult> ResolveAsync(Guid caseId, string resolution, string actor, CancellationToken cancellationToken) =>
        ChangeOpenAsync(caseId, ResolvedEvent, resolution, actor, async (db, changes, found, now, ct) =>
        {
            found.Status = CaseStatus.Resolved;
            found.ResolvedAt = now;
            found.Resolution = resolution;
            return found.CustomerId is { } customerId
                ? await checkIns.PlanAsync(db, changes, $"case-resolved:{found.Id:D}", customerId, found.Id, null, now, null, ct)
                : null;
        }, cancellationToken);

    /// <summary>Applies <paramref name="change"/> to a case still open, with its timeline event and audit entry, in one unit of work.</summary>
    private Task<CaseChangeResult> ChangeOpenAsync(
        Guid caseId,
        string kind,
        string detail,
        string actor,
        Func<RecordsDbContext, ScheduleChanges, Case, DateTimeOffset, CancellationToken, Task<CheckIn?>> change,
        CancellationToken cancellationToken) =>
        work.RunAsync(
            async (db, changes, ct) =>
            {
                var (found, result) = await LoadOpenAsync(db, caseId, ct);
                if (found is null)
                {
                    return result;
                }

                var now = work.Time.GetUtcNow();
                found.UpdatedAt = now;
                db.CaseEvents.Add(new CaseEvent { CaseId = found.Id, At = now, Kind = kind, Detail = detail });
                AuditLog.Add(db, now, nameof(Case), found.Id, kind, actor);
                var checkIn = await change(db, changes, found, now, ct);
                return new CaseChangeResult(CaseChange.Done, found, checkIn);
            },
            cancellationToken);

    private static async Task<(Case? Open, CaseChangeResult Otherwise)> LoadOpenAsync(RecordsDbContext db, Guid caseId, CancellationToken ct)
    {
        var found = await db.Cases.FirstOrDefaultAsync(c => c.Id == caseId, ct);
        return found switch
        {
            null => (null, new CaseChangeResult(CaseChange.NotFound, null)),
            { Status: CaseStatus.Resolved or CaseStatus.Closed } => (null, new CaseChangeResult(CaseChange.AlreadyResolved, found)),
            _ => (found, new CaseChangeResult(CaseChange.Done, found)),
        };
    }
}
