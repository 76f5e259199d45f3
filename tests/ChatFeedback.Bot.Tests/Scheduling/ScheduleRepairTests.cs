using System.Globalization;
using ChatFeedback.Bot.Records;
using ChatFeedback.Bot.Scheduling;
using ChatFeedback.Bot.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Quartz;

namespace ChatFeedback.Bot.Tests.Scheduling;

/// <summary>
/// The start-up repair: a row whose trigger a crash lost (deleted here through the real scheduler, or never created)
/// gets it back on the next start, and is then sent exactly once; a whole schedule is left as it is.
/// </summary>
public abstract class ScheduleRepairTests : SchedulingTest
{
    // 12:00 UTC is 20:00 in Shanghai: the invitation waits for 09:00 local (01:00 UTC), as in InvitationSchedulingTests.
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset NextMorningShanghai = new(2025, 3, 15, 1, 0, 0, TimeSpan.Zero);
    private const long Chat = 535353;

    // The survey's opening: greeting and first question.
    private const int SurveyOpening = 2;

    protected override DateTimeOffset StartAt => Now;

    [Fact]
    public async Task AScheduledInvitationThatLostItsTriggerIsSentOnceAfterARestart()
    {
        var accepted = await Host.RecordPurchaseAsync(PurchaseEvents.Event("ORD-LOST", "CUST-LOST", Now, Chat));
        var id = accepted.Invitation.Id;
        Assert.True(await UnscheduleAsync(ScheduledJobs.SendInvitation, id)); // the state a crash after the records commit leaves

        await RestartAsync(Now + TimeSpan.FromMinutes(5));
        Assert.Equal(NextMorningShanghai, await NextFireAsync(ScheduledJobs.SendInvitation, id));
        Assert.Equal(1, await RestoredAsync(id));

        await RestartAsync(Now + TimeSpan.FromMinutes(10)); // nothing missing any more: nothing restored twice
        Assert.Equal(1, await RestoredAsync(id));

        await ExpectOneSurveyAsync(id);
    }

    [Fact]
    public async Task AHealthyScheduleIsLeftAsItIs()
    {
        var accepted = await Host.RecordPurchaseAsync(PurchaseEvents.Event("ORD-OK", "CUST-OK", Now, Chat));
        var id = accepted.Invitation.Id;

        await RestartAsync(Now + TimeSpan.FromMinutes(5));

        Assert.Equal(0, await Host.DbAsync(db => db.AuditEntries.CountAsync(a => a.Action == ScheduleRepairService.RepairedAction)));
        Assert.Equal(NextMorningShanghai, await NextFireAsync(ScheduledJobs.SendInvitation, id));
        await ExpectOneSurveyAsync(id);
    }

    [Fact]
    public async Task ASentInvitationGetsBackItsLostReminderAndExpiry()
    {
        var accepted = await Host.RecordPurchaseAsync(PurchaseEvents.Event("ORD-SENT", "CUST-SENT", Now, Chat));
        var id = accepted.Invitation.Id;
        await Host.AdvanceToAsync(NextMorningShanghai, async () => await NextFireAsync(ScheduledJobs.ExpireInvitation, id) is not null, "the survey to go out");
        await SchedulingHost.EventuallyAsync(() => Task.FromResult(Api.Delivered(Chat).Count >= SurveyOpening), "the survey's opening");
        Assert.True(await UnscheduleAsync(ScheduledJobs.SendReminder, id));
        Assert.True(await UnscheduleAsync(ScheduledJobs.ExpireInvitation, id));

        await RestartAsync(NextMorningShanghai + TimeSpan.FromHours(1));

        Assert.Equal(NextMorningShanghai + TimeSpan.FromHours(24), await NextFireAsync(ScheduledJobs.SendReminder, id));
        Assert.Equal(NextMorningShanghai + TimeSpan.FromHours(48), await NextFireAsync(ScheduledJobs.ExpireInvitation, id));
        Assert.Equal(2, await RestoredAsync(id));

        await Host.AdvanceToAsync(
            NextMorningShanghai + TimeSpan.FromHours(24),
            async () => (await Host.InvitationAsync(id)).Status == InvitationStatus.Reminded,
            "the restored reminder");
        await Host.AdvanceToAsync(
            NextMorningShanghai + TimeSpan.FromHours(48),
            async () => (await Host.InvitationAsync(id)).Status == InvitationStatus.Expired,
            "the restored expiry");
        Assert.Equal(1, await AuditedAsync(id, "Reminded"));
    }

    [Fact]
    public async Task ACheckInCommittedWithoutItsTriggerIsSentOnceAfterARestart()
    {
        // The purchase gives the customer a Telegram chat; its own invitation is withdrawn so only the check-in goes out.
        var accepted = await Host.RecordPurchaseAsync(PurchaseEvents.Event("ORD-CI", "CUST-CI", Now, Chat));
        await UnscheduleAsync(ScheduledJobs.SendInvitation, accepted.Invitation.Id);
        await Host.DbAsync(db => db.Invitations.ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, InvitationStatus.Skipped), TestContext.Current.CancellationToken));
        var due = NextMorningShanghai + TimeSpan.FromHours(1);
        var checkIn = new CheckIn
        {
            Id = Guid.NewGuid(),
            CustomerId = accepted.CustomerId,
            FlowId = Host.Factory.Get<IOptions<CheckInOptions>>().Value.FlowId,
            Status = CheckInStatus.Scheduled,
            DueAt = due,
            Deadline = Now + TimeSpan.FromHours(72),
            CreatedAt = Now,
        };
        await Host.DbAsync(db =>
        {
            db.CheckIns.Add(checkIn); // the row committed, the trigger never written
            return db.SaveChangesAsync(TestContext.Current.CancellationToken);
        });

        await RestartAsync(Now + TimeSpan.FromMinutes(5));
        Assert.Equal(due, await NextFireAsync(ScheduledJobs.SendCheckIn, checkIn.Id));
        Assert.Equal(1, await RestoredAsync(checkIn.Id));

        await Host.AdvanceToAsync(
            due,
            async () => await Host.DbAsync(db => db.CheckIns.AnyAsync(c => c.Id == checkIn.Id && c.Status == CheckInStatus.Sent)) && Api.Delivered(Chat).Count > 0,
            "the check-in");
        await SchedulingHost.EventuallyAsync(async () => await NextFireAsync(ScheduledJobs.SendCheckIn, checkIn.Id) is null, "the check-in's trigger to complete");
        Assert.Equal(1, await AuditedAsync(checkIn.Id, "Sent"));
        Assert.Equal(due, (await Host.DbAsync(db => db.CheckIns.AsNoTracking().SingleAsync(c => c.Id == checkIn.Id))).SentAt);
    }

    /// <summary>Sends at its due time, then waits for its trigger to be consumed: one Sent, one survey opening.</summary>
    private async Task ExpectOneSurveyAsync(Guid id)
    {
        await Host.AdvanceToAsync(
            NextMorningShanghai,
            async () => (await Host.InvitationAsync(id)).Status == InvitationStatus.Sent && Api.Delivered(Chat).Count >= SurveyOpening,
            "the survey");
        await SchedulingHost.EventuallyAsync(async () => await NextFireAsync(ScheduledJobs.SendInvitation, id) is null, "the send trigger to complete");

        Assert.Equal(1, await AuditedAsync(id, "Sent"));
        Assert.Equal(SurveyOpening, Api.Delivered(Chat).Count);
        Assert.Equal(NextMorningShanghai, (await Host.InvitationAsync(id)).SentAt);
    }

    private async Task<IScheduler> SchedulerAsync() =>
        await Host.Factory.Get<ISchedulerFactory>().GetScheduler(TestContext.Current.CancellationToken);

    private async Task<bool> UnscheduleAsync(JobKey job, Guid id) =>
        await (await SchedulerAsync()).UnscheduleJob(ScheduledJobs.TriggerKeyOf(job, id), TestContext.Current.CancellationToken);

    private async Task<DateTimeOffset?> NextFireAsync(JobKey job, Guid id) =>
        (await (await SchedulerAsync()).GetTrigger(ScheduledJobs.TriggerKeyOf(job, id), TestContext.Current.CancellationToken))?.NextFireTimeUtc;

    private Task<int> RestoredAsync(Guid id) => AuditedAsync(id, ScheduleRepairService.RepairedAction);

    private Task<int> AuditedAsync(Guid id, string action)
    {
        var entityId = id.ToString("D", CultureInfo.InvariantCulture);
        return Host.DbAsync(db => db.AuditEntries.CountAsync(a => a.EntityId == entityId && a.Action == action));
    }
}

public sealed class SqliteScheduleRepairTests : ScheduleRepairTests
{
    protected override IRecordsBackend Backend { get; } = new SqliteRecordsBackend();
}

public sealed class PostgresScheduleRepairTests(PostgresServerFixture postgres) : ScheduleRepairTests
{
    protected override IRecordsBackend Backend { get; } = new PostgresRecordsBackend(postgres);
}
