using ChatFeedback.Bot.Tests.Support;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using ChatFeedback.Adapters;
using ChatFeedback.Bot.Cases;
using ChatFeedback.Bot.Records;
using ChatFeedback.Bot.Scheduling;
using ChatFeedback.Bot.Tests.Scheduling;
using ChatFeedback.Bot.Tests.Telegram;
using ChatFeedback.Dialogs;
using Microsoft.EntityFrameworkCore;

namespace ChatFeedback.Bot.Tests.Cases;

/// <summary>Case API, SLA timers and 72-hour check-ins on one backend (see subclasses).</summary>
public abstract class CaseSchedulingTests : SchedulingTest
{
    // 02:00 UTC = 10:00 in Shanghai: resolving now puts the 48-hour check-in at 10:00 local, outside quiet hours.
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 2, 0, 0, TimeSpan.Zero);
    private const long Chat = 515151;

    protected override DateTimeOffset StartAt => Now;

    [Fact]
    public async Task ResolvingACaseSendsTheCheckInWithin72Hours()
    {
        var caseId = await OpenCaseAsync();

        var view = await ResolveAsync(caseId, HttpStatusCode.OK);

        Assert.Equal("Resolved", view!.Status);
        Assert.NotNull(view.CheckIn);
        Assert.Equal(Now + TimeSpan.FromHours(48), view.CheckIn.DueAt);
        Assert.Equal(Now + TimeSpan.FromHours(72), view.CheckIn.Deadline);
        await Host.AdvanceToAsync(view.CheckIn.DueAt, () => Task.FromResult(Api.Delivered(Chat).Count > 0), "the check-in");
        var intro = new FlowTexts(Host.Factory.Get<FlowCatalog>(), "en").Step("follow-up", "intro");
        Assert.StartsWith(TelegramExpect.Html(intro)[..15], Api.Delivered(Chat)[0].Text, StringComparison.Ordinal);

        await SchedulingHost.EventuallyAsync(
            async () => (await Host.DbAsync(db => db.CheckIns.SingleAsync(c => c.Id == view.CheckIn.Id))).Status == CheckInStatus.Sent,
            "the check-in to be marked sent");
        var kinds = await Host.DbAsync(db => db.CaseEvents.Where(e => e.CaseId == caseId).OrderBy(e => e.Id).Select(e => e.Kind).ToListAsync());
        Assert.Equal([CaseService.ResolvedEvent, CheckInService.ScheduledEvent, CheckInService.SentEvent], kinds);
        Assert.True(await Host.DbAsync(db => db.AuditEntries.AnyAsync(a => a.Entity == "Case" && a.Action == CaseService.ResolvedEvent)));
    }

    [Fact]
    public async Task ResolvingTwiceIsAConflictAndAnUnknownCaseIsNotFound()
    {
        var caseId = await OpenCaseAsync();
        await ResolveAsync(caseId, HttpStatusCode.OK);

        await ResolveAsync(caseId, HttpStatusCode.Conflict);
        await ResolveAsync(Guid.NewGuid(), HttpStatusCode.NotFound);
        using var respond = await Host.Client.PostAsJsonAsync($"/api/cases/{caseId}/respond", new { note = "late" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, respond.StatusCode);
        using var empty = await Host.Client.PostAsJsonAsync($"/api/cases/{Guid.NewGuid()}/resolve", new { resolution = " " }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(1, await Host.DbAsync(db => db.CheckIns.CountAsync()));
    }

    [Fact]
    public async Task ACheckInMissedDuringDowntimeIsRecordedOnTheCase()
    {
        var caseId = await OpenCaseAsync();
        var view = await ResolveAsync(caseId, HttpStatusCode.OK);
        await RestartAsync(Now + TimeSpan.FromHours(73));
        await SchedulingHost.EventuallyAsync(
            async () => (await Host.DbAsync(db => db.CheckIns.SingleAsync(c => c.Id == view!.CheckIn!.Id))).Status == CheckInStatus.Missed,
            "the check-in to be recorded as missed");

        Assert.True(await Host.DbAsync(db => db.CaseEvents.AnyAsync(e => e.CaseId == caseId && e.Kind == CheckInService.MissedEvent)));
        Assert.Empty(Api.Delivered(Chat));
    }

    [Fact]
    public async Task ACheckInStillInsideItsWindowFiresAtOnceAfterARestart()
    {
        var caseId = await OpenCaseAsync();
        var view = await ResolveAsync(caseId, HttpStatusCode.OK);
        await RestartAsync(Now + TimeSpan.FromHours(55));
        await SchedulingHost.EventuallyAsync(() => Task.FromResult(Api.Delivered(Chat).Count > 0), "the late check-in");
        Assert.Equal(Now + TimeSpan.FromHours(55), (await Host.DbAsync(db => db.CheckIns.SingleAsync(c => c.Id == view!.CheckIn!.Id))).SentAt);
    }

    [Fact]
    public async Task SlaBreachesAreRecordedOncePerDeadlineAndRaiseTheTier()
    {
        var caseId = await OpenCaseAsync();

        await Host.AdvanceToAsync(Now + TimeSpan.FromHours(24) + TimeSpan.FromMinutes(2), () => HasBreachAsync(caseId, SlaService.RespondDeadline), "the respond breach");
        Assert.Equal(CaseTier.DepartmentLead, (await CaseAsync(caseId)).Tier);

        await Host.AdvanceToAsync(Now + TimeSpan.FromHours(48) + TimeSpan.FromMinutes(2), () => HasBreachAsync(caseId, SlaService.HandleDeadline), "the handle breach");
        Assert.Equal(0, await Host.Factory.Get<SlaService>().SweepAsync(TestContext.Current.CancellationToken)); // a later sweep adds nothing
        Assert.Equal(CaseTier.SeniorManagement, (await CaseAsync(caseId)).Tier);
        Assert.Equal(2, await Host.DbAsync(db => db.CaseEvents.CountAsync(e => e.CaseId == caseId && e.Kind == SlaService.BreachEvent)));
    }

    [Fact]
    public async Task ADetractorWhoAgreedToBeContactedGetsACheckInLinkedToTheTurnsCaseAndItIsSent()
    {
        await Host.RecordPurchaseAsync(PurchaseEvents.Event("ORD-FOLLOW", "CUST-FOLLOW", Now - TimeSpan.FromDays(20), Chat));
        var address = new ConversationAddress("telegram", Chat.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var known = await Host.Factory.Get<ICustomerRecords>().FindAsync(address, TestContext.Current.CancellationToken);
        var state = DialogState.Idle("en") with { FlowId = "post-purchase-survey", FlowVersion = 1, StepId = "contact_permission", StartedAt = Now };
        DialogEffect[] effects =
        [
            new OpenCase("post-purchase-survey", "detractor", Severity.Moderate, [new StepAnswer("nps", "2")]),
            new ScheduleFollowUp("follow-up", TimeSpan.FromHours(48)),
        ];
        var turn = new TurnRecord(InboundMessage.FromText("msg-1", address, "yes", "en", Now), state, new DialogTurn(state, [], effects, TurnOutcome.Answered), known, false, Now);

        var records = Host.Factory.Get<ITurnRecords>();
        await records.RecordAsync(turn, TestContext.Current.CancellationToken);
        await records.RecordAsync(turn, TestContext.Current.CancellationToken); // redelivered

        var @case = await Host.DbAsync(db => db.Cases.SingleAsync());
        var checkIn = await Host.DbAsync(db => db.CheckIns.SingleAsync());
        Assert.Equal(@case.Id, checkIn.CaseId);
        Assert.Equal(Now + TimeSpan.FromHours(48), checkIn.DueAt);

        // The trigger, set after the commit, is in the persistent schedule and fires on time.
        await Host.AdvanceToAsync(checkIn.DueAt, () => Task.FromResult(Api.Delivered(Chat).Count > 0), "the check-in");
        Assert.Equal(CheckInStatus.Sent, (await Host.DbAsync(db => db.CheckIns.SingleAsync())).Status);
        Assert.Equal(
            [CheckInService.ScheduledEvent, CheckInService.SentEvent],
            await Host.DbAsync(db => db.CaseEvents.Where(e => e.CaseId == @case.Id && e.Kind.StartsWith("CheckIn")).OrderBy(e => e.Id).Select(e => e.Kind).ToListAsync()));
    }

    private Task<Case> CaseAsync(Guid id) => Host.DbAsync(db => db.Cases.AsNoTracking().SingleAsync(c => c.Id == id));

    private Task<bool> HasBreachAsync(Guid caseId, string deadline) =>
        Host.DbAsync(db => db.CaseEvents.AnyAsync(e => e.CaseId == caseId && e.Kind == SlaService.BreachEvent && e.Detail == deadline));

    /// <summary>A customer known by a purchase (Telegram chat), and a case opened as the records handler would.</summary>
    private async Task<Guid> OpenCaseAsync()
    {
        var purchase = await Host.RecordPurchaseAsync(PurchaseEvents.Event("ORD-CASE", "CUST-CASE", Now - TimeSpan.FromDays(20), Chat));
        var id = Guid.NewGuid();
        await Host.DbAsync(async db =>
        {
            db.Cases.Add(new Case
            {
                Id = id,
                CustomerId = purchase.CustomerId,
                ConversationKey = $"telegram:{Chat}",
                SourceMessageId = "msg-1",
                FlowId = "post-purchase-survey",
                Category = "detractor",
                Severity = "Moderate",
                Tier = CaseTier.FrontLine,
                Status = CaseStatus.Open,
                OpenedAt = Now,
                RespondBy = Now + TimeSpan.FromHours(24),
                HandleBy = Now + TimeSpan.FromHours(48),
                UpdatedAt = Now,
            });
            return await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        });
        return id;
    }

    private async Task<CaseView?> ResolveAsync(Guid caseId, HttpStatusCode expected)
    {
        using var response = await Host.Client.PostAsJsonAsync($"/api/cases/{caseId}/resolve", new { resolution = "Replaced the parcel", agent = "li" }, TestContext.Current.CancellationToken);
        Assert.Equal(expected, response.StatusCode);
        return expected == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<CaseView>(TestContext.Current.CancellationToken) : null;
    }
}

public sealed class SqliteCaseSchedulingTests : CaseSchedulingTests
{
    protected override IRecordsBackend Backend { get; } = new SqliteRecordsBackend();
}

public sealed class PostgresCaseSchedulingTests(PostgresServerFixture postgres) : CaseSchedulingTests
{
    protected override IRecordsBackend Backend { get; } = new PostgresRecordsBackend(postgres);
}
