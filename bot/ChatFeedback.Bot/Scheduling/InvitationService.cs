using ChatFeedback.Adapters;
using ChatFeedback.Bot.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Scheduling;

/// <summary>
/// What the invitation jobs do: send, remind, expire. Each loads the row, checks status, consent and window, updates
/// the row and its triggers in one transaction, and only then queues the flow start; a re-fire or a row someone else
/// settled (answered, opted out) is a no-op.
/// </summary>
public sealed partial class InvitationService(
    ScheduledWork work,
    ContactTimePolicy policy,
    ProactiveSender sender,
    IOptions<InvitationOptions> options,
    ILogger<InvitationService> logger)
{
    public const string OptedOut = "opted out";
    public const string FrequencyCap = "frequency cap";
    public const string WindowPassed = "not sent within the window after the purchase";

    private const string Entity = nameof(Invitation);

    /// <summary>The send job: the survey goes out now, is moved (quiet hours, busy customer), or is settled with a reason.</summary>
    public async Task SendAsync(Guid invitationId, CancellationToken cancellationToken)
    {
        var start = await work.RunAsync((db, changes, ct) => DecideSendAsync(db, changes, invitationId, ct), cancellationToken);
        await StartAsync(start, $"invitation:{invitationId:D}", invitationId, ScheduledJobs.SendInvitation, i => (i.Status, i.SentAt) = (InvitationStatus.Scheduled, null), cancellationToken);
    }

    /// <summary>The reminder job: starts the survey again once, only while nothing was answered.</summary>
    public async Task RemindAsync(Guid invitationId, CancellationToken cancellationToken)
    {
        var start = await work.RunAsync((db, changes, ct) => DecideReminderAsync(db, changes, invitationId, ct), cancellationToken);
        await StartAsync(start, $"reminder:{invitationId:D}", invitationId, ScheduledJobs.SendReminder, i => (i.Status, i.RemindedAt) = (InvitationStatus.Sent, null), cancellationToken);
    }

    /// <summary>The expiry job: an invitation still open when its time is up is expired.</summary>
    public Task ExpireAsync(Guid invitationId, CancellationToken cancellationToken) =>
        work.RunAsync(
            async (db, changes, ct) =>
            {
                var invitation = await db.Invitations.FirstOrDefaultAsync(i => i.Id == invitationId, ct);
                var now = work.Time.GetUtcNow();
                if (invitation is null || invitation.Status is InvitationStatus.Answered or InvitationStatus.Expired or InvitationStatus.Skipped)
                {
                    return false;
                }

                if (now < invitation.ExpiresAt)
                {
                    changes.Schedule(ScheduledJobs.ExpireInvitation, invitation.Id, invitation.ExpiresAt); // fired early: wait for the real time
                    return false;
                }

                Settle(db, invitation, InvitationStatus.Expired, null, now);
                return true;
            },
            cancellationToken);

    private async Task<FlowStart?> DecideSendAsync(RecordsDbContext db, ScheduleChanges changes, Guid id, CancellationToken ct)
    {
        var invitation = await db.Invitations.FirstOrDefaultAsync(i => i.Id == id, ct);
        if (invitation is not { Status: InvitationStatus.Scheduled })
        {
            return null; // already sent, answered, skipped or cancelled: a re-fire does nothing
        }

        var now = work.Time.GetUtcNow();
        if (now > invitation.ExpiresAt)
        {
            Settle(db, invitation, InvitationStatus.Expired, WindowPassed, now); // missed while the service was down
            return null;
        }

        var customer = await LockCustomerAsync(db, invitation.CustomerId, now, ct);
        if (customer is null || customer.OptedOutAt is not null)
        {
            Settle(db, invitation, InvitationStatus.Skipped, OptedOut, now);
            return null;
        }

        var zone = policy.ZoneOf(customer.TimeZone);
        if (policy.IsQuiet(now, zone))
        {
            return Move(db, changes, invitation, policy.FirstAllowedBy(now, invitation.ExpiresAt, zone), "no time outside quiet hours left in the window", now);
        }

        var capStart = now - options.Value.FrequencyCap;
        if (await db.Invitations.AnyAsync(i => i.CustomerId == customer.Id && i.Id != id && i.SentAt != null && i.SentAt > capStart && i.SentAt <= now, ct))
        {
            Settle(db, invitation, InvitationStatus.Skipped, FrequencyCap, now);
            return null;
        }

        if (ProactiveSender.PickIdentity(customer.Identities) is not { } identity)
        {
            Settle(db, invitation, InvitationStatus.NotReachable, null, now);
            return null;
        }

        var address = ProactiveSender.AddressOf(identity);
        switch (await sender.CheckAsync(address, now, ct))
        {
            case ConversationCheck.OptedOut:
                Settle(db, invitation, InvitationStatus.Skipped, OptedOut, now);
                return null;
            case ConversationCheck.Busy:
                return Move(db, changes, invitation, policy.Postpone(now, invitation.ExpiresAt, zone), "the customer was busy in another conversation until the window closed", now);
        }

        invitation.Status = InvitationStatus.Sent;
        invitation.SentAt = now;
        invitation.ExpiresAt = policy.ExpiryOf(now);
        invitation.ConversationKey = address.Key;
        invitation.UpdatedAt = now;
        if (policy.PlanReminder(now, zone) is { } remindAt)
        {
            changes.Schedule(ScheduledJobs.SendReminder, invitation.Id, remindAt);
        }

        changes.Schedule(ScheduledJobs.ExpireInvitation, invitation.Id, invitation.ExpiresAt);
        AuditLog.Add(db, now, Entity, invitation.Id, "Sent", AuditLog.Scheduler, address.Key);
        return new FlowStart(address, invitation.FlowId, customer.Locale ?? identity.Locale, now);
    }

    private async Task<FlowStart?> DecideReminderAsync(RecordsDbContext db, ScheduleChanges changes, Guid id, CancellationToken ct)
    {
        var invitation = await db.Invitations.FirstOrDefaultAsync(i => i.Id == id, ct);
        var now = work.Time.GetUtcNow();
        if (invitation is not { Status: InvitationStatus.Sent } || now >= invitation.ExpiresAt)
        {
            return null; // answered, reminded, expired or withdrawn: no reminder
        }

        var customer = await db.Customers.Include(c => c.Identities).FirstOrDefaultAsync(c => c.Id == invitation.CustomerId, ct);
        if (customer is null || customer.OptedOutAt is not null || ProactiveSender.PickIdentity(customer.Identities, invitation.ConversationKey) is not { } identity)
        {
            return null;
        }

        var zone = policy.ZoneOf(customer.TimeZone);
        var address = ProactiveSender.AddressOf(identity);
        var check = policy.IsQuiet(now, zone) ? ConversationCheck.Busy : await sender.CheckAsync(address, now, ct);
        if (check == ConversationCheck.OptedOut)
        {
            return null;
        }

        if (check == ConversationCheck.Busy)
        {
            var later = policy.IsQuiet(now, zone) ? policy.FirstAllowedBy(now, invitation.ExpiresAt, zone) : policy.Postpone(now, invitation.ExpiresAt, zone);
            if (later is { } at)
            {
                changes.Schedule(ScheduledJobs.SendReminder, invitation.Id, at);
            }

            return null;
        }

        invitation.Status = InvitationStatus.Reminded;
        invitation.RemindedAt = now;
        invitation.UpdatedAt = now;
        AuditLog.Add(db, now, Entity, invitation.Id, "Reminded", AuditLog.Scheduler, address.Key);
        return new FlowStart(address, invitation.FlowId, customer.Locale ?? identity.Locale, now);
    }

    /// <summary>
    /// Loads the customer with their identities, first touching the row so that two sends to one customer take turns
    /// (a row lock on PostgreSQL; SQLite has one writer anyway) and the frequency cap cannot be raced.
    /// </summary>
    internal static async Task<Customer?> LockCustomerAsync(RecordsDbContext db, Guid customerId, DateTimeOffset now, CancellationToken ct)
    {
        await db.Customers.Where(c => c.Id == customerId).ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, now), ct);
        return await db.Customers.Include(c => c.Identities).FirstOrDefaultAsync(c => c.Id == customerId, ct);
    }

    private static FlowStart? Move(RecordsDbContext db, ScheduleChanges changes, Invitation invitation, DateTimeOffset? to, string reasonIfNone, DateTimeOffset now)
    {
        if (to is { } at)
        {
            invitation.DueAt = at;
            invitation.UpdatedAt = now;
            changes.Schedule(ScheduledJobs.SendInvitation, invitation.Id, at);
        }
        else
        {
            Settle(db, invitation, InvitationStatus.Skipped, reasonIfNone, now);
        }

        return null;
    }

    private static void Settle(RecordsDbContext db, Invitation invitation, InvitationStatus status, string? reason, DateTimeOffset now)
    {
        invitation.Status = status;
        invitation.SkipReason = reason ?? invitation.SkipReason;
        invitation.UpdatedAt = now;
        AuditLog.Add(db, now, Entity, invitation.Id, status.ToString(), AuditLog.Scheduler, reason);
    }

    /// <summary>
    /// Queues the flow start after the commit. A refusal (the host is stopping) puts the firing back on the schedule
    /// with the row put back as it was, so the next start sends it.
    /// </summary>
    private async Task StartAsync(FlowStart? start, string messageId, Guid id, Quartz.JobKey job, Action<Invitation> revert, CancellationToken cancellationToken)
    {
        if (start is null || await sender.StartFlowAsync(messageId, start.Address, start.FlowId, start.Locale, start.At, cancellationToken))
        {
            return;
        }

        RequeuedAfterRefusal(messageId);
        await work.RunAsync(
            async (db, changes, ct) =>
            {
                if (await db.Invitations.FirstOrDefaultAsync(i => i.Id == id, ct) is { } invitation)
                {
                    revert(invitation);
                    changes.Schedule(job, id, work.Time.GetUtcNow());
                }

                return true;
            },
            cancellationToken);
    }

    [LoggerMessage(LogLevel.Warning, "The turn queue refused {MessageId} (stopping); it is scheduled again")]
    private partial void RequeuedAfterRefusal(string messageId);
}

/// <summary>A flow to start in a conversation once the unit of work has committed.</summary>
public sealed record FlowStart(ConversationAddress Address, string FlowId, string? Locale, DateTimeOffset At);
