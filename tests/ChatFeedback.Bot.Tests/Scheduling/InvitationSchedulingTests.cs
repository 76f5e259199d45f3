using ChatFeedback.Bot.Tests.Support;
using System.Net;
using System.Net.Http.Json;
using ChatFeedback.Bot.Records;
using ChatFeedback.Bot.Tests.Telegram;
using ChatFeedback.Dialogs;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ChatFeedback.Bot.Tests.Scheduling;

/// <summary>Purchase -> invitation -> survey over the Telegram stub, end to end on one backend (see subclasses).</summary>
public abstract class InvitationSchedulingTests : SchedulingTest
{
    // 12:00 UTC is 20:00 in Shanghai: purchase + 2 h falls in quiet hours and moves to 09:00 local (01:00 UTC).
    protected static readonly DateTimeOffset Now = new(2025, 3, 14, 12, 0, 0, TimeSpan.Zero);
    protected static readonly DateTimeOffset NextMorningShanghai = new(2025, 3, 15, 1, 0, 0, TimeSpan.Zero);
    private const long Chat = 424242;

    protected override DateTimeOffset StartAt => Now;

    [Fact]
    public async Task SendsTheSurveyAtTheFirstAllowedLocalTime()
    {
        var accepted = await Host.RecordPurchaseAsync(PurchaseEvents.Event("ORD-1", "CUST-1", Now, Chat));

        Assert.Equal("Scheduled", accepted.Invitation.Status);
        Assert.Equal(NextMorningShanghai, accepted.Invitation.DueAt);

        Host.Time.SetUtcNow(NextMorningShanghai - TimeSpan.FromMinutes(1));
        Assert.Empty(Api.Delivered(Chat));

        await Host.AdvanceToAsync(NextMorningShanghai, () => Task.FromResult(Api.Delivered(Chat).Count > 0), "the survey's first message");
        var intro = new FlowTexts(Host.Factory.Get<FlowCatalog>(), "en").Step("post-purchase-survey", "intro");
        Assert.StartsWith(TelegramExpect.Html(intro)[..20], Api.Delivered(Chat)[0].Text, StringComparison.Ordinal);

        var invitation = await Host.InvitationAsync(accepted.Invitation.Id);
        Assert.Equal(InvitationStatus.Sent, invitation.Status);
        Assert.Equal(NextMorningShanghai, invitation.SentAt);
        Assert.Equal($"telegram:{Chat}", invitation.ConversationKey);
        Assert.Equal(NextMorningShanghai + TimeSpan.FromHours(48), invitation.ExpiresAt);
    }

    [Fact]
    public async Task DuplicateAndConcurrentPurchaseEventsMakeOneInvitation()
    {
        var body = PurchaseEvents.Event("ORD-DUP", "CUST-DUP", Now, Chat);
        var first = await Host.RecordPurchaseAsync(body);
        var again = await Host.RecordPurchaseAsync(body);
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Host.RecordPurchaseAsync(PurchaseEvents.Event("ORD-RACE", "CUST-DUP", Now, Chat))));

        Assert.False(first.Replayed);
        Assert.True(again.Replayed);
        Assert.Equal(first.Invitation, again.Invitation);
        Assert.Single(concurrent.Select(c => c.Invitation.Id).Distinct());
        Assert.Single(concurrent, c => !c.Replayed);
        Assert.Equal(2, await Host.DbAsync(db => db.Orders.CountAsync()));
        Assert.Equal(2, await Host.DbAsync(db => db.Invitations.CountAsync()));
        Assert.Equal(1, await Host.DbAsync(db => db.Customers.CountAsync()));
    }

    [Fact]
    public async Task ADifferentOrderUnderAUsedIdIsAConflict()
    {
        await Host.RecordPurchaseAsync(PurchaseEvents.Event("ORD-C", "CUST-C", Now, Chat));
        var changed = PurchaseEvents.Event("ORD-C", "CUST-C", Now, Chat);
        changed["amount"] = 12.5m;

        using var response = await Host.PostPurchaseAsync(changed);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(TestContext.Current.CancellationToken);
        Assert.Contains("amount", problem!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableCustomerGetsATelegramDeepLink()
    {
        var accepted = await Host.RecordPurchaseAsync(PurchaseEvents.Event("ORD-LINK", "CUST-LINK", Now));

        Assert.Equal("NotReachable", accepted.Invitation.Status);
        Assert.NotNull(accepted.Invitation.LinkToken);
        Assert.Equal($"https://t.me/{SchedulingHost.BotUsername}?start={accepted.Invitation.LinkToken}", accepted.Invitation.DeepLink);
        Assert.Equal(Now + TimeSpan.FromHours(48), accepted.Invitation.ExpiresAt);
        var link = await Host.Factory.Get<ChatFeedback.Bot.Sessions.ISurveyLinkStore>().RedeemAsync(accepted.Invitation.LinkToken!, TestContext.Current.CancellationToken);
        Assert.Equal("ORD-LINK", link!.OrderId);
    }

    [Fact]
    public async Task TheFrequencyCapSkipsASecondSurveyWithinFourteenDays()
    {
        var first = await Host.RecordPurchaseAsync(PurchaseEvents.Event("ORD-F1", "CUST-F", Now, Chat));
        await Host.AdvanceToAsync(first.Invitation.DueAt, async () => (await Host.InvitationAsync(first.Invitation.Id)).Status == InvitationStatus.Sent, "the first survey to go out");

        var second = await Host.RecordPurchaseAsync(PurchaseEvents.Event("ORD-F2", "CUST-F", Host.Time.GetUtcNow(), Chat));

        Assert.Equal("Skipped", second.Invitation.Status);
        Assert.Equal("frequency cap", second.Invitation.SkipReason);
    }

    [Fact]
    public async Task TheFrequencyCapIsCheckedAgainWhenSending()
    {
        var first = await Host.RecordPurchaseAsync(PurchaseEvents.Event("ORD-G1", "CUST-G", Now, Chat));
        var second = await Host.RecordPurchaseAsync(PurchaseEvents.Event("ORD-G2", "CUST-G", Now + TimeSpan.FromMinutes(1), Chat));
        Assert.Equal("Scheduled", second.Invitation.Status); // nothing was sent yet when it came in
        Assert.Equal(first.Invitation.DueAt, second.Invitation.DueAt); // both wait for the end of quiet hours

        // Both fire at once; the customer's row makes them take turns, so exactly one goes out.
        var ids = new[] { first.Invitation.Id, second.Invitation.Id };
        await Host.AdvanceToAsync(
            first.Invitation.DueAt,
            async () => (await Task.WhenAll(ids.Select(Host.InvitationAsync))).All(i => i.Status != InvitationStatus.Scheduled),
            "both invitations to be settled");

        var settled = await Task.WhenAll(ids.Select(Host.InvitationAsync));
        Assert.Single(settled, i => i.Status == InvitationStatus.Sent);
        Assert.Single(settled, i => i.Status == InvitationStatus.Skipped && i.SkipReason == "frequency cap");
    }

    [Fact]
    public async Task NothingIsSentToACustomerWhoOptedOut()
    {
        var accepted = await Host.RecordPurchaseAsync(PurchaseEvents.Event("ORD-O", "CUST-O", Now, Chat));
        await Host.DbAsync(db => db.Customers.ExecuteUpdateAsync(s => s.SetProperty(c => c.OptedOutAt, Now).SetProperty(c => c.OptOutSource, "telegram /stop"), TestContext.Current.CancellationToken));

        await Host.AdvanceToAsync(
            accepted.Invitation.DueAt,
            async () => (await Host.InvitationAsync(accepted.Invitation.Id)).Status == InvitationStatus.Skipped,
            "the invitation to be skipped");

        Assert.Equal("opted out", (await Host.InvitationAsync(accepted.Invitation.Id)).SkipReason);
        Assert.Empty(Api.Delivered(Chat));
        var later = await Host.RecordPurchaseAsync(PurchaseEvents.Event("ORD-O2", "CUST-O", Host.Time.GetUtcNow(), Chat));
        Assert.Equal("opted out", later.Invitation.SkipReason);
    }

    [Fact]
    public async Task AnInvitationTheRecordsCancelledIsNotSent()
    {
        var accepted = await Host.RecordPurchaseAsync(PurchaseEvents.Event("ORD-X", "CUST-X", Now, Chat));
        await Host.DbAsync(db => db.Invitations.ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, InvitationStatus.Skipped).SetProperty(i => i.SkipReason, "opted out"), TestContext.Current.CancellationToken));
        var canary = await Host.RecordPurchaseAsync(PurchaseEvents.Event("ORD-Y", "CUST-Y", Now + TimeSpan.FromMinutes(1), Chat + 1));

        await Host.AdvanceToAsync(canary.Invitation.DueAt, () => Task.FromResult(Api.Delivered(Chat + 1).Count > 0), "the other customer's survey");

        Assert.Empty(Api.Delivered(Chat));
        Assert.Equal(InvitationStatus.Skipped, (await Host.InvitationAsync(accepted.Invitation.Id)).Status);
    }

    [Fact]
    public async Task OneReminderAfterADayThenExpiryAfterTwo()
    {
        var accepted = await Host.RecordPurchaseAsync(PurchaseEvents.Event("ORD-R", "CUST-R", Now, Chat));
        await Host.AdvanceToAsync(
            NextMorningShanghai,
            // The survey's opening is two messages (greeting, first question), the second behind the per-chat rate limit.
            async () => (await Host.InvitationAsync(accepted.Invitation.Id)).Status == InvitationStatus.Sent && Api.Delivered(Chat).Count >= 2,
            "the survey");
        var survey = Api.Delivered(Chat).Select(m => m.Text).ToList();

        await Host.AdvanceToAsync(
            NextMorningShanghai + TimeSpan.FromHours(24),
            async () => (await Host.InvitationAsync(accepted.Invitation.Id)).Status == InvitationStatus.Reminded && Api.Delivered(Chat).Count >= survey.Count + 2,
            "the reminder");
        var reminded = await Host.InvitationAsync(accepted.Invitation.Id);
        Assert.Equal(InvitationStatus.Reminded, reminded.Status);
        Assert.Equal(NextMorningShanghai + TimeSpan.FromHours(24), reminded.RemindedAt);
        var reminder = Api.Delivered(Chat).Skip(survey.Count).Select(m => m.Text).ToList();
        Assert.NotEmpty(reminder); // the survey started again in the same chat (the engine re-asks where it stands)

        await Host.AdvanceToAsync(
            NextMorningShanghai + TimeSpan.FromHours(48),
            async () => (await Host.InvitationAsync(accepted.Invitation.Id)).Status == InvitationStatus.Expired,
            "the expiry");
        Assert.Equal(survey.Count + reminder.Count, Api.Delivered(Chat).Count);
    }

    [Fact]
    public async Task AScheduledSurveyStillGoesOutAfterARestartInsideItsWindow()
    {
        var accepted = await Host.RecordPurchaseAsync(PurchaseEvents.Event("ORD-RS", "CUST-RS", Now, Chat));
        // Down over the due time, back 3 hours later, still inside the 48-hour window: the misfire fires at once.
        var back = NextMorningShanghai + TimeSpan.FromHours(3);
        await RestartAsync(back);
        await SchedulingHost.EventuallyAsync(() => Task.FromResult(Api.Delivered(Chat).Count > 0), "the survey after the restart");

        var invitation = await Host.InvitationAsync(accepted.Invitation.Id);
        Assert.Equal(InvitationStatus.Sent, invitation.Status);
        Assert.Equal(back, invitation.SentAt);
    }

    [Fact]
    public async Task ASurveyMissedOutsideItsWindowIsExpiredNotSent()
    {
        var accepted = await Host.RecordPurchaseAsync(PurchaseEvents.Event("ORD-MS", "CUST-MS", Now, Chat));
        await RestartAsync(Now + TimeSpan.FromHours(49));
        await SchedulingHost.EventuallyAsync(async () => (await Host.InvitationAsync(accepted.Invitation.Id)).Status == InvitationStatus.Expired, "the missed invitation to expire");

        Assert.Empty(Api.Delivered(Chat));
    }
}

public sealed class SqliteInvitationSchedulingTests : InvitationSchedulingTests
{
    protected override IRecordsBackend Backend { get; } = new SqliteRecordsBackend();
}

public sealed class PostgresInvitationSchedulingTests(PostgresServerFixture postgres) : InvitationSchedulingTests
{
    protected override IRecordsBackend Backend { get; } = new PostgresRecordsBackend(postgres);
}
