using ChatFeedback.Adapters;
using ChatFeedback.Bot.Records;
using ChatFeedback.Bot.Sessions;
using ChatFeedback.Bot.Tests.Support;
using ChatFeedback.Dialogs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFeedback.Bot.Tests.Records;

/// <summary>
/// What the records services promise, run against every provider (<see cref="SqliteRecordsContractTests"/>,
/// <see cref="PostgresRecordsContractTests"/>): each test gets an empty database, migrated by the real start-up.
/// </summary>
public abstract class RecordsContractTests() : RecordsHostTests(new DateTimeOffset(2025, 3, 14, 9, 0, 0, TimeSpan.Zero))
{
    private const string Survey = "post-purchase-survey";
    private ISessionStore Sessions => Services.GetRequiredService<ISessionStore>();

    private static ConversationAddress Address(string id, string? serviceUrl = null) => new("test", id, $"user-{id}", serviceUrl);

    private static DialogState Running(string flowId, DateTimeOffset startedAt) =>
        DialogState.Idle("en") with { FlowId = flowId, FlowVersion = 1, StepId = "step", StartedAt = startedAt };

    private async Task<Guid?> RecordAsync(ConversationAddress address, string messageId, DialogState before, params DialogEffect[] effects)
    {
        var known = await Customers.FindAsync(address, Ct);
        var message = InboundMessage.FromText(messageId, address, "text", "en-GB", Time.GetUtcNow());
        var turn = new DialogTurn(before, [], effects, TurnOutcome.Answered);
        return await Turns.RecordAsync(new TurnRecord(message, before, turn, known, false, Time.GetUtcNow()), Ct);
    }

    private static AnswerRecorded Rating(string step, int score) => new(Survey, 1, step, StepKind.Rating, score.ToString(System.Globalization.CultureInfo.InvariantCulture), score, "csat", step);

    [Fact]
    public async Task MigrationsApplyToAnEmptyDatabaseOnStart()
    {
        await using var db = Db();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
        Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync(Ct));
        Assert.Equal(0, await db.Customers.CountAsync(Ct));
    }

    [Fact]
    public async Task EachProvidersMigrationsMatchTheModel()
    {
        await using var db = Db();

        // A model change needs a migration for both providers (Records/README.md); a missing one fails here, not in production.
        Assert.False(db.Database.HasPendingModelChanges(), $"The records model has changes without a {db.GetType().Name} migration.");
    }

    [Fact]
    public async Task FirstTurnCreatesTheCustomerAndLaterTurnsRefreshTheFullAddress()
    {
        var address = Address("c1", "https://smba.example/emea/");
        var customerId = await RecordAsync(address, "m1", DialogState.Idle("en"));

        Time.Advance(TimeSpan.FromHours(1));
        var moved = address with { ServiceUrl = "https://smba.example/amer/", TenantId = "tenant-1" };
        Assert.Equal(customerId, await RecordAsync(moved, "m2", DialogState.Idle("en")));

        var snapshot = await Customers.FindAsync(address, Ct);
        Assert.Equal(customerId, snapshot?.CustomerId);
        Assert.Equal(moved, snapshot?.Address);
        Assert.Equal("en-GB", snapshot?.IdentityLocale);
        Assert.Equal(Time.GetUtcNow(), snapshot?.LastSeenAt);
        await using var db = Db();
        Assert.Equal("en", (await db.Customers.SingleAsync(Ct)).Locale);
        Assert.Single(await db.AuditEntries.Where(a => a.Action == "Created").ToListAsync(Ct));
    }

    [Fact]
    public async Task ARedeliveredAnswerIsRecordedOnceAndPartialRunsAreKept()
    {
        var address = Address("c2");
        var run = Running(Survey, Time.GetUtcNow());
        await RecordAsync(address, "m1", run, Rating("product_quality", 4));
        await RecordAsync(address, "m1", run, Rating("product_quality", 4)); // redelivered: same message, same step
        await RecordAsync(address, "m2", run, new AnswerSkipped(Survey, 1, "comment", "skipped by the customer"));

        await using var db = Db();
        var rows = await db.Responses.OrderBy(r => r.Id).ToListAsync(Ct);
        Assert.Equal(["product_quality", "comment"], rows.Select(r => r.StepId));
        Assert.Equal((4, "rating", "4"), (rows[0].Score!.Value, rows[0].Kind!, rows[0].Value!));
        Assert.Equal("skipped by the customer", rows[1].SkipReason);
        Assert.All(rows, r => Assert.Equal(Time.GetUtcNow(), r.FlowStartedAt));
    }

    [Fact]
    public async Task OpenCaseOpensOneCaseWithItsDeadlinesTierAndTimeline()
    {
        var address = Address("c3");
        var open = new OpenCase(Survey, "detractor", Severity.Moderate, [new StepAnswer("nps", "3")]);
        await RecordAsync(address, "m1", Running(Survey, Time.GetUtcNow()), open);
        await RecordAsync(address, "m1", Running(Survey, Time.GetUtcNow()), open);

        await using var db = Db();
        var opened = await db.Cases.Include(c => c.Events).SingleAsync(Ct);
        Assert.Equal(("detractor", "Moderate", CaseTier.DepartmentLead, CaseStatus.Open), (opened.Category, opened.Severity, opened.Tier, opened.Status));
        Assert.Equal(Time.GetUtcNow() + TimeSpan.FromHours(24), opened.RespondBy);
        Assert.Equal(Time.GetUtcNow() + TimeSpan.FromHours(48), opened.HandleBy);
        Assert.Equal("Opened", Assert.Single(opened.Events).Kind);
        Assert.Contains("nps = 3", opened.Events[0].Detail, StringComparison.Ordinal);
        Assert.Single(await db.AuditEntries.Where(a => a.Entity == "Case").ToListAsync(Ct));
        var found = await Services.GetRequiredService<ICaseRecords>().FindOpenedByAsync(address.Key, "m1", Ct);
        Assert.Equal(opened.Id, found?.Id);
    }

    [Fact]
    public async Task TheFirstSurveyAnswerAnswersTheOpenInvitationAndTheRunIsLinkedToIt()
    {
        var address = Address("c4");
        var customerId = (await RecordAsync(address, "m0", DialogState.Idle("en")))!.Value;
        var invitation = await SeedInvitationAsync(customerId, "A-1", InvitationStatus.Sent);
        var run = Running(Survey, Time.GetUtcNow());

        await RecordAsync(address, "m1", run, Rating("product_quality", 5));
        Time.Advance(TimeSpan.FromMinutes(1));
        await RecordAsync(address, "m2", run, Rating("service_experience", 4));

        await using var db = Db();
        var answered = await db.Invitations.SingleAsync(i => i.Id == invitation, Ct);
        Assert.Equal(InvitationStatus.Answered, answered.Status);
        Assert.Equal(Time.GetUtcNow() - TimeSpan.FromMinutes(1), answered.AnsweredAt);
        Assert.All(await db.Responses.ToListAsync(Ct), r => Assert.Equal(invitation, r.InvitationId));
        Assert.Single(await db.AuditEntries.Where(a => a.Entity == "Invitation" && a.Action == "Answered").ToListAsync(Ct));
    }

    [Fact]
    public async Task AnExpiredInvitationIsNotAnswered()
    {
        var address = Address("c5");
        var customerId = (await RecordAsync(address, "m0", DialogState.Idle("en")))!.Value;
        var invitation = await SeedInvitationAsync(customerId, "A-2", InvitationStatus.Reminded);
        Time.Advance(TimeSpan.FromHours(49));

        await RecordAsync(address, "m1", Running(Survey, Time.GetUtcNow()), Rating("product_quality", 5));

        await using var db = Db();
        Assert.Equal(InvitationStatus.Reminded, (await db.Invitations.SingleAsync(i => i.Id == invitation, Ct)).Status);
        Assert.Null((await db.Responses.SingleAsync(Ct)).InvitationId);
    }

    [Fact]
    public async Task OptOutSkipsPendingInvitationsCancelsCheckInsAndOnlyAYesOptsBackIn()
    {
        var address = Address("c6");
        var customerId = (await RecordAsync(address, "m0", DialogState.Idle("en")))!.Value;
        var scheduled = await SeedInvitationAsync(customerId, "A-3", InvitationStatus.Scheduled);
        var answered = await SeedInvitationAsync(customerId, "A-4", InvitationStatus.Answered);
        var checkIn = await SeedCheckInAsync(customerId);

        await RecordAsync(address, "m1", DialogState.Idle("en"), new OptOut());

        var optedOut = await Customers.FindAsync(address, Ct);
        Assert.Equal(Time.GetUtcNow(), optedOut?.OptedOutAt);
        await using (var db = Db())
        {
            var customer = await db.Customers.SingleAsync(Ct);
            Assert.Equal("test:command", customer.OptOutSource);
            var skipped = await db.Invitations.SingleAsync(i => i.Id == scheduled, Ct);
            Assert.Equal((InvitationStatus.Skipped, "opted out"), (skipped.Status, skipped.SkipReason));
            Assert.Equal(InvitationStatus.Answered, (await db.Invitations.SingleAsync(i => i.Id == answered, Ct)).Status);
            Assert.Equal(CheckInStatus.Cancelled, (await db.CheckIns.SingleAsync(c => c.Id == checkIn, Ct)).Status);
            Assert.Equal(["Created", "OptedOut", "Skipped", "Cancelled"], await db.AuditEntries.OrderBy(a => a.Id).Select(a => a.Action).ToListAsync(Ct));
        }

        Time.Advance(TimeSpan.FromDays(3));
        await RecordAsync(address, "m2", DialogState.Idle("en"), new FlowStarted(ConsentPrompt.FlowId, 1));
        Assert.Equal(Time.GetUtcNow(), (await Customers.FindAsync(address, Ct))?.ConsentAskedAt);
        Assert.True((await Customers.FindAsync(address, Ct))?.OptedOut);

        await RecordAsync(address, "m3", DialogState.Idle("en"), new OptIn());
        await using (var db = Db())
        {
            var customer = await db.Customers.SingleAsync(Ct);
            Assert.Equal((null, null, Time.GetUtcNow(), "test:consent"), (customer.OptedOutAt, customer.OptOutSource, customer.OptedInAt, customer.OptInSource));
        }
    }

    [Fact]
    public async Task BlockedConversationIsOptedOutAndNoLongerAContact()
    {
        var address = Address("c7");
        var customerId = (await RecordAsync(address, "m0", DialogState.Idle("en")))!.Value;
        Assert.Equal(address, (await Customers.FindContactAsync(customerId, Ct))?.Address);

        Assert.True(await Customers.OptOutAsync(address, "blocked", "Forbidden: bot was blocked by the user", Ct));

        Assert.Null(await Customers.FindContactAsync(customerId, Ct));
        await using var db = Db();
        Assert.Equal("test:blocked", (await db.Customers.SingleAsync(Ct)).OptOutSource);
        Assert.False(await Customers.OptOutAsync(Address("never-seen"), "blocked", null, Ct));
    }

    [Fact]
    public async Task ErasureDeletesTheCustomersRecordsAndAnonymisesTheirAnswers()
    {
        var address = Address("c8");
        var other = Address("c8-other");
        var run = Running(Survey, Time.GetUtcNow());
        var customerId = (await RecordAsync(address, "m1", run, Rating("product_quality", 2), new AnswerRecorded(Survey, 1, "comment", StepKind.Text, "Call me on 555-0100", null, null, null)))!.Value;
        await RecordAsync(address, "m2", run, new OpenCase(Survey, "detractor", Severity.Minor, []));
        await SeedInvitationAsync(customerId, "A-5", InvitationStatus.Sent);
        await SeedCheckInAsync(customerId);
        await RecordAsync(other, "m1", run, Rating("product_quality", 5));

        await RecordAsync(address, "m3", DialogState.Idle("en"), new EraseData());

        await using var db = Db();
        Assert.Equal(1, await db.Customers.CountAsync(Ct)); // the other conversation's customer
        Assert.Equal(0, await db.Cases.CountAsync(Ct));
        Assert.Equal(0, await db.Invitations.CountAsync(Ct));
        Assert.Equal(0, await db.Orders.CountAsync(Ct));
        Assert.Equal(0, await db.CheckIns.CountAsync(Ct));
        Assert.Null(await Customers.FindAsync(address, Ct));
        var anonymised = await db.Responses.Where(r => r.CustomerId == null).OrderBy(r => r.Id).ToListAsync(Ct);
        Assert.Equal([2, null], anonymised.Select(r => r.Score));
        Assert.Equal(["2", null], anonymised.Select(r => r.Value));
        Assert.All(anonymised, r => Assert.StartsWith("erased:", r.ConversationKey, StringComparison.Ordinal));
        Assert.Equal(1, await db.Responses.CountAsync(r => r.ConversationKey == other.Key, Ct));
        var audit = await db.AuditEntries.SingleAsync(a => a.Action == "Erased", Ct);
        Assert.Equal(customerId.ToString(), audit.EntityId);
        Assert.DoesNotContain("555", audit.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErasureOutsideATurnAlsoForgetsTheConversationsSessions()
    {
        var address = Address("c10");
        await RecordAsync(address, "m1", DialogState.Idle("en"));
        await Sessions.TrySaveAsync(address.Key, new StoredSession(DialogState.Idle("en"), address, 0, false, Time.GetUtcNow()), 0, Ct);

        Assert.True(await Customers.EraseAsync(address, Ct));

        Assert.Null(await Sessions.LoadAsync(address.Key, Ct));
        Assert.Null(await Customers.FindAsync(address, Ct));
        Assert.False(await Customers.EraseAsync(address, Ct));
    }

    [Fact]
    public async Task ADeepLinkBindsTheConversationToTheShopsCustomerAndItsOrdersInvitation()
    {
        var shopCustomer = await SeedCustomerAsync("shop-42");
        var invitation = await SeedInvitationAsync(shopCustomer, "A-6", InvitationStatus.NotReachable);
        var address = Address("c9");
        var anonymous = (await RecordAsync(address, "m0", Running("complaint", Time.GetUtcNow()), new AnswerRecorded("complaint", 1, "category", StepKind.Choice, "delivery", null, null, null)))!.Value;

        await Customers.BindAsync(address, "shop-42", "A-6", "zh-CN", Ct);
        await RecordAsync(address, "m1", Running(Survey, Time.GetUtcNow()), Rating("product_quality", 5));

        Assert.Equal(shopCustomer, (await Customers.FindAsync(address, Ct))?.CustomerId);
        await using var db = Db();
        Assert.False(await db.Customers.AnyAsync(c => c.Id == anonymous, Ct));
        Assert.All(await db.Responses.ToListAsync(Ct), r => Assert.Equal(shopCustomer, r.CustomerId));
        var answered = await db.Invitations.SingleAsync(i => i.Id == invitation, Ct);
        Assert.Equal((InvitationStatus.Answered, address.Key), (answered.Status, answered.ConversationKey));
    }

    private async Task<Guid> SeedCustomerAsync(string externalId)
    {
        await using var db = Db();
        var customer = new Customer { Id = Guid.NewGuid(), ExternalId = externalId, CreatedAt = Time.GetUtcNow(), UpdatedAt = Time.GetUtcNow() };
        db.Customers.Add(customer);
        await db.SaveChangesAsync(Ct);
        return customer.Id;
    }

    private async Task<Guid> SeedInvitationAsync(Guid customerId, string orderId, InvitationStatus status)
    {
        await using var db = Db();
        var now = Time.GetUtcNow();
        var order = new Order { Id = Guid.NewGuid(), ExternalOrderId = orderId, CustomerId = customerId, PurchasedAt = now, ReceivedAt = now };
        order.Items.Add(new OrderItem { Sku = "SKU-1", Quantity = 1 });
        var invitation = new Invitation
        {
            Id = Guid.NewGuid(),
            OrderId = order.Id,
            CustomerId = customerId,
            FlowId = Survey,
            Status = status,
            DueAt = now,
            ExpiresAt = now + TimeSpan.FromHours(48),
            AnsweredAt = status == InvitationStatus.Answered ? now - TimeSpan.FromDays(1) : null,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Orders.Add(order);
        db.Invitations.Add(invitation);
        await db.SaveChangesAsync(Ct);
        return invitation.Id;
    }

    private async Task<Guid> SeedCheckInAsync(Guid customerId)
    {
        await using var db = Db();
        var now = Time.GetUtcNow();
        var checkIn = new CheckIn { Id = Guid.NewGuid(), CustomerId = customerId, FlowId = "follow-up", Status = CheckInStatus.Scheduled, DueAt = now.AddHours(48), Deadline = now.AddHours(72), CreatedAt = now };
        db.CheckIns.Add(checkIn);
        await db.SaveChangesAsync(Ct);
        return checkIn.Id;
    }
}

public sealed class SqliteRecordsContractTests : RecordsContractTests
{
    protected override Task<RecordsStorage> CreateStorageAsync() => Task.FromResult<RecordsStorage>(new SqliteRecordsStorage());
}

public sealed class PostgresRecordsContractTests(PostgresServerFixture postgres) : RecordsContractTests
{
    protected override async Task<RecordsStorage> CreateStorageAsync() => await PostgresRecordsStorage.CreateAsync(postgres);
}
