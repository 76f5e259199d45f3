using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatFeedback.Bot.Records;
using ChatFeedback.Bot.Sessions;
using ChatFeedback.Bot.Tests.Scheduling;
using ChatFeedback.Bot.Tests.Support;
using ChatFeedback.Bot.Tests.Telegram;
using ChatFeedback.Dialogs;
using Microsoft.EntityFrameworkCore;

namespace ChatFeedback.Bot.Tests.Records;

/// <summary>
/// Customers in Telegram through the real host and its Bot API stub, with what each turn leaves in the records
/// database read back; every test runs on SQLite and on PostgreSQL.
/// </summary>
public abstract class RecordsEndToEndTests : IAsyncLifetime
{
    private const string Survey = "post-purchase-survey";
    private static long s_nextChat = 880_000;

    private readonly BotApiStub _api = new();
    private RecordsStorage _storage = null!;
    private TelegramBotFactory _host = null!;
    private HttpClient _webhook = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract Task<RecordsStorage> CreateStorageAsync();

    public async ValueTask InitializeAsync()
    {
        _storage = await CreateStorageAsync();
        _host = new TelegramBotFactory(_api, _storage.Settings);
        _webhook = _host.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        _webhook.Dispose();
        await _host.DisposeAsync();
        _api.Dispose();
        await _storage.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private TelegramCustomer NewCustomer(string language = "en") => new(_webhook, _api, Interlocked.Increment(ref s_nextChat), language);

    private TelegramCustomer NewGroup() => new(_webhook, _api, -Interlocked.Increment(ref s_nextChat), "en", "group");

    /// <summary>The id Telegram gives the supergroup a group becomes (-100 followed by digits).</summary>
    private static long SupergroupOf(TelegramCustomer group) => -1_001_000_000_000 + group.ChatId;

    private FlowTexts Texts(string locale) => new(_host.Get<FlowCatalog>(), locale);

    private Task<StoredSession?> SessionAsync(TelegramCustomer customer) => _host.Get<ISessionStore>().LoadAsync(customer.ConversationKey, Ct);

    private async Task<Customer> CustomerAsync(TelegramCustomer customer)
    {
        await using var db = _host.Records();
        var id = await db.ChannelIdentities.Where(i => i.ChannelId == "telegram" && i.ConversationId == customer.ChatId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Select(i => i.CustomerId).SingleAsync(Ct);
        return await db.Customers.Include(c => c.Identities).SingleAsync(c => c.Id == id, Ct);
    }

    private async Task<List<SurveyResponse>> ResponsesAsync(TelegramCustomer customer)
    {
        await using var db = _host.Records();
        return await db.Responses.Where(r => r.ConversationKey == customer.ConversationKey).OrderBy(r => r.Id).ToListAsync(Ct);
    }

    [Fact]
    public async Task EveryAnswerOfASurveyIsRecordedAsItIsGivenAndAStoppedRunKeepsItsAnswers()
    {
        var customer = NewCustomer();
        await customer.SayAsync("/start");
        await customer.RepliesAsync(2);
        await customer.PressAsync("Take the survey");
        await customer.RepliesAsync(2);
        await customer.PressAsync("Very satisfied");
        await customer.ReplyAsync();
        await customer.SayAsync("4");
        await customer.ReplyAsync();

        var partial = await ResponsesAsync(customer);
        Assert.Equal([("menu", "main", "survey"), (Survey, "product_quality", "5"), (Survey, "service_experience", "4")], partial.Select(r => (r.FlowId, r.StepId, r.Value!)));
        Assert.Equal([null, 5, 4], partial.Select(r => r.Score));
        Assert.All(partial, r => Assert.Equal("telegram", r.ChannelId));
        Assert.Equal(partial[1].FlowStartedAt, partial[2].FlowStartedAt);

        await customer.SayAsync("/stop");
        await customer.ReplyAsync();

        Assert.Equal(3, (await ResponsesAsync(customer)).Count);
        var record = await CustomerAsync(customer);
        Assert.Equal("telegram:command", record.OptOutSource);
        var identity = Assert.Single(record.Identities);
        Assert.Equal((customer.ChatId.ToString(System.Globalization.CultureInfo.InvariantCulture), "en"), (identity.UserId, identity.Locale));
        Assert.True((await SessionAsync(customer))?.OptedOut, "the session and the record must agree");
    }

    [Fact]
    public async Task ADetractorWhoMayBeContactedOpensACaseWithItsDeadlines()
    {
        var customer = NewCustomer();
        await customer.SayAsync("/survey");
        await customer.RepliesAsync(2);
        foreach (var answer in new[] { "1", "1", "1", "1", "2", "1", "skip" })
        {
            await customer.SayAsync(answer);
            await customer.ReplyAsync();
        }

        var opened = _host.Time.GetUtcNow();
        await customer.SayAsync("yes");
        await customer.ReplyAsync();

        await using var db = _host.Records();
        var @case = await db.Cases.Include(c => c.Events).SingleAsync(c => c.ConversationKey == customer.ConversationKey, Ct);
        Assert.Equal(("detractor", "Moderate", CaseTier.DepartmentLead, CaseStatus.Open), (@case.Category, @case.Severity, @case.Tier, @case.Status));
        Assert.Equal((opened.AddHours(24), opened.AddHours(48)), (@case.RespondBy, @case.HandleBy));
        Assert.Equal((await CustomerAsync(customer)).Id, @case.CustomerId);
        Assert.Contains("contact_permission = yes", Assert.Single(@case.Events, e => e.Kind == "Opened").Detail, StringComparison.Ordinal);

        // The same turn's follow-up request becomes this case's check-in (the scheduler finds the case by the message).
        Assert.Single(@case.Events, e => e.Kind == "CheckInScheduled");
        Assert.Contains(await db.Responses.Where(r => r.ConversationKey == customer.ConversationKey).Select(r => r.StepId).ToListAsync(Ct), s => s == "comment");
    }

    [Fact]
    public async Task WhenTheRecordsFailTheTurnDoesNotCountAndItsRedeliveryIsRecordedOnce()
    {
        var customer = NewCustomer();
        await customer.SayAsync("/survey");
        await customer.RepliesAsync(2);
        var question = customer.LastQuestion!;
        var update = customer.CallbackQuery(TelegramCustomer.NextUpdateId(), question, question.Button("Very satisfied"));
        var messageId = update["update_id"]!.ToString();

        await RenameResponsesAsync(away: true);
        await customer.DeliverAsync(update);
        await _host.Turns.FailedAsync(messageId);

        // Not saved, not answered: the survey still waits on the same question.
        Assert.Equal("product_quality", (await SessionAsync(customer))?.State.StepId);
        Assert.Equal(2, _api.Delivered(customer.ChatId).Count);

        await RenameResponsesAsync(away: false);
        await customer.DeliverAsync(update); // the channel delivers it again
        await customer.ReplyAsync();
        await customer.DeliverAsync(update); // and once more: a duplicate now

        Assert.Equal("service_experience", (await SessionAsync(customer))?.State.StepId);
        var answer = Assert.Single(await ResponsesAsync(customer));
        Assert.Equal(("product_quality", 5, messageId), (answer.StepId, answer.Score!.Value, answer.MessageId));
    }

    /// <summary>A real failure of the store, the same on both providers: the responses table is (and is not) there.</summary>
    private async Task RenameResponsesAsync(bool away)
    {
        await using var db = _host.Records();
        await db.Database.ExecuteSqlRawAsync(away ? "ALTER TABLE responses RENAME TO responses_away" : "ALTER TABLE responses_away RENAME TO responses", Ct);
    }

    [Fact]
    public async Task StopCancelsThePendingInvitationsAndCheckInsInTheDatabase()
    {
        var customer = NewCustomer();
        await customer.SayAsync("/start");
        await customer.RepliesAsync(2);
        var customerId = (await CustomerAsync(customer)).Id;
        var (invitationId, checkInId) = await SeedPendingAsync(customerId, $"order-{customer.ChatId}");

        await customer.SayAsync("stop");
        await customer.ReplyAsync();

        await using var db = _host.Records();
        var invitation = await db.Invitations.SingleAsync(i => i.Id == invitationId, Ct);
        Assert.Equal((InvitationStatus.Skipped, "opted out"), (invitation.Status, invitation.SkipReason));
        Assert.Equal(CheckInStatus.Cancelled, (await db.CheckIns.SingleAsync(c => c.Id == checkInId, Ct)).Status);
        Assert.Contains(await db.AuditEntries.Where(a => a.EntityId == customerId.ToString()).Select(a => a.Action).ToListAsync(Ct), a => a == "OptedOut");
    }

    [Fact]
    public async Task AnOptedOutCustomerWhoWritesAgainIsAskedOnceAndStaysOutWithoutAYes()
    {
        var t = Texts("en");
        var customer = NewCustomer();
        await customer.SayAsync("/stop");
        await customer.ReplyAsync();
        var optedOutAt = (await CustomerAsync(customer)).OptedOutAt;

        _host.Time.Advance(TimeSpan.FromDays(2));
        await customer.SayAsync("hello");
        var asked = await customer.ReplyAsync();
        TelegramExpect.Question(asked, customer.ChatId, t.Step(ConsentPrompt.FlowId, "resume_messages"), ConsentPrompt.FlowId, "resume_messages", TelegramExpect.Row((t.Yes, "yes"), (t.No, "no")));

        await customer.PressAsync(t.No);
        var declined = await customer.RepliesAsync(3);
        TelegramExpect.TextMessage(declined[0], customer.ChatId, t.Step(ConsentPrompt.FlowId, "stay_out"));

        await customer.SayAsync("/start"); // back at the menu: not asked again in this conversation
        var menu = await customer.RepliesAsync(2);
        TelegramExpect.TextMessage(menu[0], customer.ChatId, t.Step("menu", "greeting"));

        var record = await CustomerAsync(customer);
        Assert.Equal(optedOutAt, record.OptedOutAt);
        Assert.Null(record.OptedInAt);
        Assert.NotNull(record.ConsentAskedAt);
        Assert.True((await SessionAsync(customer))?.OptedOut);
    }

    [Fact]
    public async Task AnOptedOutCustomerWhoSaysYesIsOptedBackInWithTimeAndSource()
    {
        var t = Texts("zh-CN");
        var customer = NewCustomer("zh-hans");
        await customer.SayAsync("退订");
        await customer.ReplyAsync();

        await customer.SayAsync("你好");
        await customer.ReplyAsync();
        await customer.PressAsync(t.Yes);
        var resumed = await customer.RepliesAsync(3);
        TelegramExpect.TextMessage(resumed[0], customer.ChatId, t.Step(ConsentPrompt.FlowId, "resumed"));

        var record = await CustomerAsync(customer);
        Assert.Null(record.OptedOutAt);
        Assert.Equal((_host.Time.GetUtcNow(), "telegram:consent"), (record.OptedInAt!.Value, record.OptInSource!));
        Assert.False((await SessionAsync(customer))?.OptedOut);
    }

    [Fact]
    public async Task DeleteErasesTheCustomerAndAnonymisesTheirAnswers()
    {
        var t = Texts("en");
        var customer = NewCustomer();
        await customer.SayAsync("/survey");
        await customer.RepliesAsync(2);
        await customer.SayAsync("2");
        await customer.ReplyAsync();
        var customerId = (await CustomerAsync(customer)).Id;

        await customer.SayAsync("/delete");
        await customer.ReplyAsync();
        await customer.PressAsync(t.Yes);
        TelegramExpect.TextMessage(await customer.ReplyAsync(), customer.ChatId, t.Step("delete-data", "erased"));

        await using var db = _host.Records();
        Assert.False(await db.Customers.AnyAsync(c => c.Id == customerId, Ct));
        Assert.False(await db.ChannelIdentities.AnyAsync(i => i.CustomerId == customerId, Ct));
        Assert.Empty(await ResponsesAsync(customer));
        Assert.Contains(await db.Responses.Where(r => r.CustomerId == null && r.StepId == "product_quality").Select(r => r.Score).ToListAsync(Ct), s => s == 2);
        Assert.Equal("Erased", (await db.AuditEntries.OrderBy(a => a.Id).LastAsync(a => a.EntityId == customerId.ToString(), Ct)).Action);
        Assert.Null(await SessionAsync(customer));
    }

    [Fact]
    public async Task ADeepLinkBindsTheShopsCustomerAndTheAnswersCountForTheirInvitation()
    {
        var orderId = $"A-{Guid.NewGuid():N}";
        var shopCustomer = $"shop-{Guid.NewGuid():N}";
        Guid invitationId;
        await using (var db = _host.Records())
        {
            var now = _host.Time.GetUtcNow();
            var customer = new Customer { Id = Guid.NewGuid(), ExternalId = shopCustomer, CreatedAt = now, UpdatedAt = now };
            var order = new Order { Id = Guid.NewGuid(), ExternalOrderId = orderId, CustomerId = customer.Id, PurchasedAt = now, ReceivedAt = now };
            var invitation = new Invitation { Id = Guid.NewGuid(), OrderId = order.Id, CustomerId = customer.Id, FlowId = Survey, Status = InvitationStatus.NotReachable, DueAt = now, ExpiresAt = now.AddHours(48), CreatedAt = now, UpdatedAt = now };
            db.AddRange(customer, order, invitation);
            await db.SaveChangesAsync(Ct);
            invitationId = invitation.Id;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/survey-links") { Content = JsonContent.Create(new { orderId, customerId = shopCustomer }) };
        request.Headers.Add("X-Api-Key", TelegramBotFactory.ApiKey);
        using var response = await _webhook.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var token = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("token").GetString();

        var buyer = NewCustomer();
        await buyer.SayAsync($"/start {token}");
        await buyer.RepliesAsync(2);
        await buyer.PressAsync("Satisfied");
        await buyer.ReplyAsync();

        var record = await CustomerAsync(buyer);
        Assert.Equal(shopCustomer, record.ExternalId);
        await using var check = _host.Records();
        var answered = await check.Invitations.SingleAsync(i => i.Id == invitationId, Ct);
        Assert.Equal((InvitationStatus.Answered, buyer.ConversationKey), (answered.Status, answered.ConversationKey));
        Assert.Equal(invitationId, Assert.Single(await ResponsesAsync(buyer)).InvitationId);
    }

    [Fact]
    public async Task APurchasesContactHintsAreKeptOnceAndErasedWithTheCustomer()
    {
        var t = Texts("en");
        var customer = NewCustomer();
        var shopCustomer = $"shop-{Guid.NewGuid():N}";
        var first = PurchaseEvents.Event($"A-{Guid.NewGuid():N}", shopCustomer, _host.Time.GetUtcNow(), customer.ChatId);
        first["contact"] = new { email = "Mei.Li@Example.COM", phone = "+8613800138000" };
        var givenAt = _host.Time.GetUtcNow();
        Assert.False(await PostPurchaseAsync(first));

        _host.Time.Advance(TimeSpan.FromMinutes(10)); // well before the invitations are due: nothing is sent meanwhile
        Assert.True(await PostPurchaseAsync(first)); // the shop posts the same order again
        var second = PurchaseEvents.Event($"B-{Guid.NewGuid():N}", shopCustomer, _host.Time.GetUtcNow().AddMinutes(-5), customer.ChatId);
        second["contact"] = new { email = "Mei.Li@example.com" };
        Assert.False(await PostPurchaseAsync(second)); // and a later order with the same address

        var customerId = (await CustomerAsync(customer)).Id;
        await using (var db = _host.Records())
        {
            var hints = await db.ContactHints.Where(h => h.CustomerId == customerId).OrderBy(h => h.Kind).ToListAsync(Ct);
            Assert.Equal(
                [(ContactHint.Email, "Mei.Li@example.com", givenAt, _host.Time.GetUtcNow()), (ContactHint.Phone, "+8613800138000", givenAt, givenAt)],
                hints.Select(h => (h.Kind, h.Value, h.FirstGivenAt, h.LastGivenAt)));
            var audit = await db.AuditEntries.Where(a => a.EntityId == customerId.ToString()).Select(a => a.Detail).ToListAsync(Ct);
            Assert.Contains("email, phone", audit);
            Assert.DoesNotContain(audit, d => d != null && (d.Contains("Mei", StringComparison.OrdinalIgnoreCase) || d.Contains("8613800138000", StringComparison.Ordinal)));
        }

        await customer.SayAsync("/delete");
        await customer.ReplyAsync();
        await customer.PressAsync(t.Yes);
        TelegramExpect.TextMessage(await customer.ReplyAsync(), customer.ChatId, t.Step("delete-data", "erased"));

        await using var check = _host.Records();
        Assert.False(await check.ContactHints.AnyAsync(h => h.CustomerId == customerId, Ct));
        var erased = await check.AuditEntries.SingleAsync(a => a.EntityId == customerId.ToString() && a.Action == "Erased", Ct);
        Assert.Contains("2 contact hints", erased.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGroupUpgradedToASupergroupTakesItsIdentityAndPendingRecordsAlongOnce()
    {
        var group = NewGroup();
        await group.SayAsync("/start");
        await group.RepliesAsync(2);
        var customerId = (await CustomerAsync(group)).Id;
        var seeded = await SeedKeyedAsync(customerId, group.ConversationKey);
        var supergroup = new TelegramCustomer(_webhook, _api, SupergroupOf(group), "en", "supergroup");

        await group.MigrateToAsync(supergroup.ChatId);
        await _host.Turns.MovedAsync(group.ConversationKey);

        await AssertMovedAsync(customerId, group, supergroup, seeded);
        Assert.Equal(supergroup.ChatId.ToString(System.Globalization.CultureInfo.InvariantCulture), (await SessionAsync(supergroup))?.Address.ConversationId);

        // Telegram sends the service message again (or a send reported the move first): nothing changes twice.
        await group.MigrateToAsync(supergroup.ChatId);
        await _host.Turns.MovedAsync(group.ConversationKey, times: 2);
        await AssertMovedAsync(customerId, group, supergroup, seeded);

        // The conversation goes on in the supergroup, as the same customer.
        await supergroup.SayAsync("/start");
        await supergroup.RepliesAsync(2);
        Assert.Equal(customerId, (await CustomerAsync(supergroup)).Id);
    }

    [Fact]
    public async Task ASendRefusedBecauseTheGroupMovedMovesTheRecordsOntoAnIdentityTheSupergroupAlreadyHas()
    {
        var group = NewGroup();
        await group.SayAsync("/start");
        await group.RepliesAsync(2);
        var customerId = (await CustomerAsync(group)).Id;
        var seeded = await SeedKeyedAsync(customerId, group.ConversationKey);

        // Someone writes in the supergroup before the bot learns of the move: a customer of its own is created there.
        var supergroup = new TelegramCustomer(_webhook, _api, SupergroupOf(group), "en", "supergroup");
        await supergroup.SayAsync("/start");
        await supergroup.RepliesAsync(2);
        var stranger = (await CustomerAsync(supergroup)).Id;
        Assert.NotEqual(customerId, stranger);

        // Every send to the old group is refused with the new id: each of the two replies moves (the second finds nothing left).
        _api.FailAlways("sendMessage", BotApiError.Migrated(supergroup.ChatId), body => BotApiStub.ChatOf(body) == group.ChatId);
        await group.SayAsync("/start");
        await supergroup.RepliesAsync(2);
        await _host.Turns.MovedAsync(group.ConversationKey, times: 2);

        await AssertMovedAsync(customerId, group, supergroup, seeded);
        await using var db = _host.Records();
        Assert.False(await db.Customers.AnyAsync(c => c.Id == stranger, Ct)); // it had only chatted: merged into the group's customer
        Assert.Contains(await db.AuditEntries.Where(a => a.Action == "Merged").Select(a => a.EntityId).ToListAsync(Ct), id => id == stranger.ToString());
        Assert.Empty(_api.Delivered(group.ChatId).Skip(2));
    }

    /// <summary>One identity, now the supergroup's; the pending rows re-keyed, the finished one not; one audit entry.</summary>
    private async Task AssertMovedAsync(Guid customerId, TelegramCustomer group, TelegramCustomer supergroup, (Guid Sent, Guid Answered, Guid Case, Guid CheckIn) seeded)
    {
        await using var db = _host.Records();
        var identity = Assert.Single(await db.ChannelIdentities.Where(i => i.CustomerId == customerId).ToListAsync(Ct));
        Assert.Equal(supergroup.ChatId.ToString(System.Globalization.CultureInfo.InvariantCulture), identity.ConversationId);
        Assert.False(await db.ChannelIdentities.AnyAsync(i => i.ConversationId == group.ChatId.ToString(System.Globalization.CultureInfo.InvariantCulture), Ct));
        Assert.Equal(supergroup.ConversationKey, (await db.Invitations.SingleAsync(i => i.Id == seeded.Sent, Ct)).ConversationKey);
        Assert.Equal(group.ConversationKey, (await db.Invitations.SingleAsync(i => i.Id == seeded.Answered, Ct)).ConversationKey);
        Assert.Equal(supergroup.ConversationKey, (await db.Cases.SingleAsync(c => c.Id == seeded.Case, Ct)).ConversationKey);
        Assert.Equal(supergroup.ConversationKey, (await db.CheckIns.SingleAsync(c => c.Id == seeded.CheckIn, Ct)).ConversationKey);
        var moved = Assert.Single(await db.AuditEntries.Where(a => a.Entity == nameof(ChannelIdentity) && a.Action == "Moved").ToListAsync(Ct));
        Assert.Contains("1 invitations, 1 cases, 1 check-ins re-keyed", moved.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(group.ChatId.ToString(System.Globalization.CultureInfo.InvariantCulture), moved.Detail, StringComparison.Ordinal);
        Assert.Null(await _host.Get<ISessionStore>().LoadAsync(group.ConversationKey, Ct));
    }

    /// <summary>A sent and an answered invitation, an open case and a scheduled check-in, all tied to the conversation.</summary>
    private async Task<(Guid Sent, Guid Answered, Guid Case, Guid CheckIn)> SeedKeyedAsync(Guid customerId, string conversationKey)
    {
        await using var db = _host.Records();
        var now = _host.Time.GetUtcNow();
        Invitation Invitation(InvitationStatus status)
        {
            var order = new Order { Id = Guid.NewGuid(), ExternalOrderId = $"G-{Guid.NewGuid():N}", CustomerId = customerId, PurchasedAt = now, ReceivedAt = now };
            db.Orders.Add(order);
            return new Invitation { Id = Guid.NewGuid(), OrderId = order.Id, CustomerId = customerId, FlowId = Survey, Status = status, DueAt = now, ExpiresAt = now.AddHours(48), ConversationKey = conversationKey, CreatedAt = now, UpdatedAt = now };
        }

        var sent = Invitation(InvitationStatus.Sent);
        var answered = Invitation(InvitationStatus.Answered);
        var @case = new Case
        {
            Id = Guid.NewGuid(), CustomerId = customerId, ConversationKey = conversationKey, SourceMessageId = "seed", FlowId = Survey, Category = "complaint",
            Severity = "Minor", Tier = CaseTier.FrontLine, Status = CaseStatus.Open, OpenedAt = now, RespondBy = now.AddHours(24), HandleBy = now.AddHours(48), UpdatedAt = now,
        };
        var checkIn = new CheckIn { Id = Guid.NewGuid(), CustomerId = customerId, FlowId = "follow-up", Status = CheckInStatus.Scheduled, DueAt = now.AddHours(48), Deadline = now.AddHours(72), ConversationKey = conversationKey, CreatedAt = now };
        db.AddRange(sent, answered, @case, checkIn);
        await db.SaveChangesAsync(Ct);
        return (sent.Id, answered.Id, @case.Id, checkIn.Id);
    }

    /// <summary>POSTs a purchase event with the API key; expects 202 and returns whether it was a replay.</summary>
    private async Task<bool> PostPurchaseAsync(object purchase)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/purchases") { Content = JsonContent.Create(purchase) };
        request.Headers.Add("X-Api-Key", TelegramBotFactory.ApiKey);
        using var response = await _webhook.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("replayed").GetBoolean();
    }

    private async Task<(Guid Invitation, Guid CheckIn)> SeedPendingAsync(Guid customerId, string orderId)
    {
        await using var db = _host.Records();
        var now = _host.Time.GetUtcNow();
        var order = new Order { Id = Guid.NewGuid(), ExternalOrderId = orderId, CustomerId = customerId, PurchasedAt = now, ReceivedAt = now };
        var invitation = new Invitation { Id = Guid.NewGuid(), OrderId = order.Id, CustomerId = customerId, FlowId = Survey, Status = InvitationStatus.Scheduled, DueAt = now.AddHours(2), ExpiresAt = now.AddHours(48), CreatedAt = now, UpdatedAt = now };
        var checkIn = new CheckIn { Id = Guid.NewGuid(), CustomerId = customerId, FlowId = "follow-up", Status = CheckInStatus.Scheduled, DueAt = now.AddHours(48), Deadline = now.AddHours(72), CreatedAt = now };
        db.AddRange(order, invitation, checkIn);
        await db.SaveChangesAsync(Ct);
        return (invitation.Id, checkIn.Id);
    }
}

public sealed class SqliteRecordsEndToEndTests : RecordsEndToEndTests
{
    protected override Task<RecordsStorage> CreateStorageAsync() => Task.FromResult<RecordsStorage>(new SqliteRecordsStorage());
}

public sealed class PostgresRecordsEndToEndTests(PostgresServerFixture postgres) : RecordsEndToEndTests
{
    protected override async Task<RecordsStorage> CreateStorageAsync() => await PostgresRecordsStorage.CreateAsync(postgres);
}
