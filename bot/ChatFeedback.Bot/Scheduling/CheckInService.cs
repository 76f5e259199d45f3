using System.Security.Cryptography;
using System.Text;
using ChatFeedback.Bot.Records;
using Microsoft.EntityFrameworkCore;

namespace ChatFeedback.Bot.Scheduling;

/// <summary>
/// Follow-up check-ins: planned when a case is resolved or a detractor agreed to be contacted, sent by the check-in
/// job inside the 72-hour bound, and recorded on the case as missed when that bound passes unsent.
/// </summary>
public sealed partial class CheckInService(
    ScheduledWork work,
    ContactTimePolicy policy,
    FollowUpPlanner planner,
    ProactiveSender sender,
    ILogger<CheckInService> logger)
{
    public const string MissedEvent = "CheckInMissed";
    public const string SentEvent = "CheckInSent";
    public const string ScheduledEvent = "CheckInScheduled";

    private const string Entity = nameof(CheckIn);

    /// <summary>
    /// Adds a check-in for <paramref name="customerId"/> (and <paramref name="caseId"/>) to the caller's unit of work.
    /// Its id is derived from <paramref name="sourceKey"/> (the event that asked for it), so asking twice for one event
    /// adds nothing. Returns the check-in, or null when one exists already.
    /// </summary>
    public async Task<CheckIn?> PlanAsync(
        RecordsDbContext db,
        ScheduleChanges changes,
        string sourceKey,
        Guid customerId,
        Guid? caseId,
        string? flowId,
        DateTimeOffset eventAt,
        TimeSpan? delay,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(changes);
        var id = IdFor(sourceKey);
        if (await db.CheckIns.AnyAsync(c => c.Id == id, cancellationToken))
        {
            return null;
        }

        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == customerId, cancellationToken);
        var planned = planner.Plan(new FollowUpRequest(sourceKey, customerId, caseId, flowId, eventAt, delay, work.Time.GetUtcNow(), customer?.TimeZone, customer?.OptedOutAt is not null));
        db.CheckIns.Add(planned.CheckIn);
        db.AuditEntries.Add(planned.Audit);
        if (planned.CaseEvent is { } caseEvent)
        {
            db.CaseEvents.Add(caseEvent);
        }

        if (planned.TriggerAt is { } due)
        {
            changes.Schedule(ScheduledJobs.SendCheckIn, id, due);
        }

        return planned.CheckIn;
    }

    /// <summary>The check-in job: sends it now, moves it (quiet hours, busy customer), or records why not.</summary>
    public async Task SendAsync(Guid checkInId, CancellationToken cancellationToken)
    {
        var start = await work.RunAsync((db, changes, ct) => DecideSendAsync(db, changes, checkInId, ct), cancellationToken);
        if (start is null)
        {
            return;
        }

        var messageId = $"checkin:{checkInId:D}";
        if (!await sender.StartFlowAsync(messageId, start.Address, start.FlowId, start.Locale, start.At, cancellationToken))
        {
            RequeuedAfterRefusal(messageId);
            await work.RunAsync(
                async (db, changes, ct) =>
                {
                    if (await db.CheckIns.FirstOrDefaultAsync(c => c.Id == checkInId, ct) is { } checkIn)
                    {
                        (checkIn.Status, checkIn.SentAt) = (CheckInStatus.Scheduled, null);
                        changes.Schedule(ScheduledJobs.SendCheckIn, checkInId, work.Time.GetUtcNow());
                    }

                    return true;
                },
                cancellationToken);
        }
    }

    /// <summary>A stable id for the check-in an event asks for: the first 16 bytes of SHA-256 of the event's key.</summary>
    public static Guid IdFor(string sourceKey) => new(SHA256.HashData(Encoding.UTF8.GetBytes(sourceKey)).AsSpan(0, 16));

    private async Task<FlowStart?> DecideSendAsync(RecordsDbContext db, ScheduleChanges changes, Guid id, CancellationToken ct)
    {
        var checkIn = await db.CheckIns.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (checkIn is not { Status: CheckInStatus.Scheduled })
        {
            return null;
        }

        var now = work.Time.GetUtcNow();
        if (now > checkIn.Deadline)
        {
            Settle(db, checkIn, CheckInStatus.Missed, "the 72-hour window passed before it could be sent", now);
            return null;
        }

        var customer = await InvitationService.LockCustomerAsync(db, checkIn.CustomerId, now, ct);
        if (customer is null || customer.OptedOutAt is not null)
        {
            Settle(db, checkIn, CheckInStatus.Cancelled, "opted out", now);
            return null;
        }

        var zone = policy.ZoneOf(customer.TimeZone);
        if (policy.IsQuiet(now, zone))
        {
            return Move(db, changes, checkIn, policy.FirstAllowedBy(now, checkIn.Deadline, zone), now);
        }

        if (ProactiveSender.PickIdentity(customer.Identities) is not { } identity)
        {
            Settle(db, checkIn, CheckInStatus.Missed, "no reachable channel", now);
            return null;
        }

        var address = ProactiveSender.AddressOf(identity);
        switch (await sender.CheckAsync(address, now, ct))
        {
            case ConversationCheck.OptedOut:
                Settle(db, checkIn, CheckInStatus.Cancelled, "opted out", now);
                return null;
            case ConversationCheck.Busy:
                return Move(db, changes, checkIn, policy.Postpone(now, checkIn.Deadline, zone), now);
        }

        checkIn.Status = CheckInStatus.Sent;
        checkIn.SentAt = now;
        checkIn.ConversationKey = address.Key;
        AuditLog.Add(db, now, Entity, checkIn.Id, "Sent", AuditLog.Scheduler, address.Key);
        AddCaseEvent(db, checkIn, SentEvent, address.Key, now);
        return new FlowStart(address, checkIn.FlowId, customer.Locale ?? identity.Locale, now);
    }

    private static FlowStart? Move(RecordsDbContext db, ScheduleChanges changes, CheckIn checkIn, DateTimeOffset? to, DateTimeOffset now)
    {
        if (to is { } at)
        {
            checkIn.DueAt = at;
            changes.Schedule(ScheduledJobs.SendCheckIn, checkIn.Id, at);
        }
        else
        {
            Settle(db, checkIn, CheckInStatus.Missed, "no time to send it before the 72-hour bound", now);
        }

        return null;
    }

    private static void Settle(RecordsDbContext db, CheckIn checkIn, CheckInStatus status, string? reason, DateTimeOffset now)
    {
        var settled = FollowUpPlanner.Settled(checkIn, status, reason, now);
        db.AuditEntries.Add(settled.Audit);
        if (settled.CaseEvent is { } caseEvent)
        {
            db.CaseEvents.Add(caseEvent);
        }
    }

    private static void AddCaseEvent(RecordsDbContext db, CheckIn checkIn, string kind, string? detail, DateTimeOffset now)
    {
        if (checkIn.CaseId is { } caseId)
        {
            db.CaseEvents.Add(new CaseEvent { CaseId = caseId, At = now, Kind = kind, Detail = detail });
        }
    }

    [LoggerMessage(LogLevel.Warning, "The turn queue refused {MessageId} (stopping); it is scheduled again")]
    private partial void RequeuedAfterRefusal(string messageId);
}
