using System.Data.Common;
using ChatFeedback.Adapters;
using ChatFeedback.Bot.Records;
using ChatFeedback.Bot.Scheduling;
using ChatFeedback.Bot.Tests.Scheduling;
using ChatFeedback.Bot.Tests.Support;
using ChatFeedback.Dialogs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFeedback.Bot.Tests.Records;

// The start is below a millisecond on purpose: each provider rounds times its own way, and both paths must round alike.

/// <summary>
/// The raw statements every turn runs (<see cref="CustomerLookup"/>, <see cref="AnswerWriter"/>) against every provider:
/// what they write and read must be exactly what EF writes and reads, since EF reads their rows and they read EF's.
/// </summary>
public abstract class RecordsFastPathTests() : RecordsHostTests(new DateTimeOffset(2025, 3, 14, 9, 0, 0, TimeSpan.Zero).AddTicks(1_234_567))
{
    protected const string Survey = "post-purchase-survey";

    private AnswerWriter Writer => Services.GetRequiredService<AnswerWriter>();

    protected static ConversationAddress Address(string id) => new("test", id, $"user-{id}");

    private DialogState Running() => DialogState.Idle("en") with { FlowId = Survey, FlowVersion = 3, StepId = "step", StartedAt = Time.GetUtcNow() - TimeSpan.FromTicks(98_765) };

    protected TurnRecord Turn(ConversationAddress address, string messageId, CustomerSnapshot? known, params DialogEffect[] effects)
    {
        var before = Running();
        var message = InboundMessage.FromText(messageId, address, "text", "en-GB", Time.GetUtcNow());
        return new TurnRecord(message, before, new DialogTurn(before, [], effects, TurnOutcome.Answered), known, false, Time.GetUtcNow());
    }

    /// <summary>A customer created by a first turn through EF, as the records know them now.</summary>
    protected async Task<CustomerSnapshot> KnownCustomerAsync(ConversationAddress address)
    {
        await Turns.RecordAsync(Turn(address, "m0", null), Ct);
        return await Customers.FindAsync(address, Ct) ?? throw new InvalidOperationException("The first turn created no customer.");
    }

    /// <summary>
    /// Message m1 recorded on the fast path, redelivered there and then through EF; m2 recorded through EF and redelivered
    /// on the fast path: each path must find what the other wrote.
    /// </summary>
    private async Task RecordRedeliveredAsync(ConversationAddress address, CustomerSnapshot known, params DialogEffect[] effects)
    {
        await Turns.RecordAsync(Turn(address, "m1", known, effects), Ct);
        await Turns.RecordAsync(Turn(address, "m1", known, effects), Ct);
        await Turns.RecordAsync(Turn(address, "m1", null, effects), Ct);
        await Turns.RecordAsync(Turn(address, "m2", null, effects), Ct);
        await Turns.RecordAsync(Turn(address, "m2", known, effects), Ct);
    }

    private static DialogEffect[] Answers() =>
    [
        new AnswerRecorded(Survey, 3, "product_quality", StepKind.Rating, "4", 4, "csat", "product"),
        new AnswerRecorded(Survey, 3, "comment", StepKind.Text, "Ünïcode — ok \"quoted\"", null, null, null),
        new AnswerSkipped(Survey, 3, "contact_permission", "skipped by the customer"),
    ];

    [Fact]
    public async Task AnswersOnTheFastPathAreStoredColumnForColumnAsEfStoresThem()
    {
        var address = Address("c1");
        var known = await KnownCustomerAsync(address);
        var throughEf = Turn(address, "m1", null, Answers());
        var fast = Turn(address, "m2", known, Answers());
        Assert.True(RecordsEffectHandler.FitsFastPath(fast, known), "the turn must take the fast path");

        Assert.Equal(known.CustomerId, await Turns.RecordAsync(throughEf, Ct));
        Assert.Equal(known.CustomerId, await Turns.RecordAsync(fast, Ct));

        await using var db = Db();
        var rows = await db.Responses.AsNoTracking().OrderBy(r => r.Id).ToListAsync(Ct);
        Assert.Equal(6, rows.Count);
        var columns = typeof(SurveyResponse).GetProperties().Where(p => p.Name is not (nameof(SurveyResponse.Id) or nameof(SurveyResponse.MessageId)));
        for (var i = 0; i < 3; i++)
        {
            foreach (var column in columns)
            {
                Assert.True(Equals(column.GetValue(rows[i]), column.GetValue(rows[i + 3])), $"{column.Name}: EF {column.GetValue(rows[i])}, fast path {column.GetValue(rows[i + 3])}");
            }
        }

        // Queries EF translates (a key in its stored form, times compared in the database) find the fast rows too.
        var (answeredAt, startedAt) = (rows[0].AnsweredAt, rows[0].FlowStartedAt);
        Assert.Equal(3, await db.Responses.CountAsync(r => r.MessageId == "m2" && r.CustomerId == known.CustomerId && r.AnsweredAt == answeredAt && r.FlowStartedAt == startedAt, Ct));
        Assert.Equal(4, rows[3].Score);
        Assert.Equal("Ünïcode — ok \"quoted\"", rows[4].Value);
        Assert.Equal(("skipped by the customer", null), (rows[5].SkipReason, rows[5].Kind));
    }

    [Fact]
    public async Task ARedeliveredMessageIsRecordedOnceOnEitherPath()
    {
        var address = Address("c2");
        var known = await KnownCustomerAsync(address);
        var answer = new AnswerRecorded(Survey, 3, "product_quality", StepKind.Rating, "5", 5, "csat", "product");

        await RecordRedeliveredAsync(address, known, answer);

        await using var db = Db();
        Assert.Equal(["m1", "m2"], await db.Responses.OrderBy(r => r.Id).Select(r => r.MessageId).ToListAsync(Ct));
    }

    private static DialogEffect[] OpensACase() =>
    [
        new AnswerRecorded(Survey, 3, "contact_permission", StepKind.YesNo, "yes", null, null, null),
        new OpenCase(Survey, "detractor", Severity.Moderate, [new StepAnswer("nps", "3"), new StepAnswer("comment", "late \"again\"")]),
    ];

    [Fact]
    public async Task ACaseOpenedOnTheFastPathIsStoredColumnForColumnAsEfStoresIt()
    {
        var address = Address("c6");
        var known = await KnownCustomerAsync(address);
        var throughEf = Turn(address, "m1", null, OpensACase());
        var fast = Turn(address, "m2", known, OpensACase());
        Assert.True(RecordsEffectHandler.FitsFastPath(fast, known), "the turn must take the fast path");

        await Turns.RecordAsync(throughEf, Ct);
        await Turns.RecordAsync(fast, Ct);

        await using var db = Db();
        var cases = await db.Cases.AsNoTracking().Include(c => c.Events).OrderBy(c => c.SourceMessageId).ToListAsync(Ct);
        Assert.Equal(["m1", "m2"], cases.Select(c => c.SourceMessageId));
        var columns = typeof(Case).GetProperties().Where(p => p.Name is not (nameof(Case.Id) or nameof(Case.SourceMessageId) or nameof(Case.Events)));
        foreach (var column in columns)
        {
            Assert.True(Equals(column.GetValue(cases[0]), column.GetValue(cases[1])), $"{column.Name}: EF {column.GetValue(cases[0])}, fast path {column.GetValue(cases[1])}");
        }

        var events = cases.Select(c => Assert.Single(c.Events)).ToList();
        Assert.Equal((events[0].At, events[0].Kind, events[0].Detail), (events[1].At, events[1].Kind, events[1].Detail));
        Assert.Equal("from post-purchase-survey: nps = 3; comment = late \"again\"", events[1].Detail);

        var audits = await db.AuditEntries.AsNoTracking().Where(a => a.Entity == nameof(Case)).OrderBy(a => a.Id).ToListAsync(Ct);
        Assert.Equal(cases.Select(c => c.Id.ToString("D")), audits.Select(a => a.EntityId));
        Assert.Equal((audits[0].At, audits[0].Action, audits[0].Actor, audits[0].Detail), (audits[1].At, audits[1].Action, audits[1].Actor, audits[1].Detail));
        Assert.Equal("detractor, Moderate, DepartmentLead", audits[1].Detail);

        // The answer of the turn is there too, and queries EF translates find the fast case by its stored times.
        Assert.Equal(2, await db.Responses.CountAsync(r => r.StepId == "contact_permission", Ct));
        var respondBy = cases[0].RespondBy;
        Assert.Equal(2, await db.Cases.CountAsync(c => c.CustomerId == known.CustomerId && c.RespondBy == respondBy && c.Status == CaseStatus.Open, Ct));
    }

    [Fact]
    public async Task ARedeliveredCaseOpeningMessageOpensOneCaseOnEitherPath()
    {
        var address = Address("c7");
        var known = await KnownCustomerAsync(address);

        await RecordRedeliveredAsync(address, known, OpensACase());

        await using var db = Db();
        var cases = await db.Cases.Include(c => c.Events).OrderBy(c => c.SourceMessageId).ToListAsync(Ct);
        Assert.Equal(["m1", "m2"], cases.Select(c => c.SourceMessageId));
        Assert.All(cases, c => Assert.Single(c.Events));
        Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.Entity == nameof(Case), Ct));
        Assert.Equal(["m1", "m2"], await db.Responses.Where(r => r.StepId == "contact_permission").OrderBy(r => r.Id).Select(r => r.MessageId).ToListAsync(Ct));
    }

    private static DialogEffect[] FollowsUp() => [.. OpensACase(), new ScheduleFollowUp("follow-up", TimeSpan.FromHours(48))];

    [Fact]
    public async Task ACheckInPlannedOnTheFastPathIsStoredColumnForColumnAsEfStoresItAndGetsItsTrigger()
    {
        var address = Address("c8");
        await KnownCustomerAsync(address);
        await using (var db = Db())
        {
            // Two in the morning local time 48 hours on: quiet hours move the check-in, on both paths alike.
            (await db.Customers.SingleAsync(Ct)).TimeZone = "America/Los_Angeles";
            await db.SaveChangesAsync(Ct);
        }

        var known = await Customers.FindAsync(address, Ct) ?? throw new InvalidOperationException("The customer is gone.");
        var throughEf = Turn(address, "m1", null, FollowsUp());
        var fast = Turn(address, "m2", known, FollowsUp());
        Assert.True(RecordsEffectHandler.FitsFastPath(fast, known), "the turn must take the fast path");

        await Turns.RecordAsync(throughEf, Ct);
        await Turns.RecordAsync(fast, Ct);

        await using var check = Db();
        var cases = await check.Cases.AsNoTracking().Include(c => c.Events).OrderBy(c => c.SourceMessageId).ToListAsync(Ct);
        var checkIns = cases.Select(c => check.CheckIns.AsNoTracking().Single(i => i.CaseId == c.Id)).ToList();
        var columns = typeof(CheckIn).GetProperties().Where(p => p.Name is not (nameof(CheckIn.Id) or nameof(CheckIn.CaseId)));
        foreach (var column in columns)
        {
            Assert.True(Equals(column.GetValue(checkIns[0]), column.GetValue(checkIns[1])), $"{column.Name}: EF {column.GetValue(checkIns[0])}, fast path {column.GetValue(checkIns[1])}");
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");
        Assert.Equal((CheckInStatus.Scheduled, "follow-up", known.CustomerId), (checkIns[1].Status, checkIns[1].FlowId, checkIns[1].CustomerId));
        Assert.Equal(TimeSpan.FromHours(9), TimeZoneInfo.ConvertTime(checkIns[1].DueAt, zone).TimeOfDay);
        var deadline = Time.GetUtcNow() + TimeSpan.FromHours(72);
        Assert.InRange(checkIns[1].Deadline, deadline - TimeSpan.FromMilliseconds(1), deadline); // as the provider rounds it

        var events = cases.Select(c => Assert.Single(c.Events, e => e.Kind == "CheckInScheduled")).ToList();
        Assert.Equal((events[0].At, events[0].Detail), (events[1].At, events[1].Detail));
        var audits = await check.AuditEntries.AsNoTracking().Where(a => a.Entity == nameof(CheckIn)).OrderBy(a => a.Id).ToListAsync(Ct);
        Assert.Equal(checkIns.Select(c => c.Id.ToString("D")), audits.Select(a => a.EntityId));
        Assert.Equal((audits[0].At, audits[0].Action, audits[0].Actor, audits[0].Detail), (audits[1].At, audits[1].Action, audits[1].Actor, audits[1].Detail));
        Assert.Equal(("Scheduled", "scheduler"), (audits[1].Action, audits[1].Actor));

        // The triggers follow the commit, off the turn.
        var scheduler = await SchedulerAsync();
        foreach (var checkIn in checkIns)
        {
            await SchedulingHost.EventuallyAsync(
                async () => await scheduler.GetTrigger(ScheduledJobs.TriggerKeyOf(ScheduledJobs.SendCheckIn, checkIn.Id), Ct) is { } trigger && trigger.StartTimeUtc == checkIn.DueAt,
                $"the trigger of check-in {checkIn.Id}");
        }
    }

    [Fact]
    public async Task ARedeliveredFollowUpPlansOneCheckInOnEitherPath()
    {
        var address = Address("c9");
        var known = await KnownCustomerAsync(address);

        await RecordRedeliveredAsync(address, known, FollowsUp());

        await using var db = Db();
        var cases = await db.Cases.Include(c => c.Events).OrderBy(c => c.SourceMessageId).ToListAsync(Ct);
        Assert.Equal(["m1", "m2"], cases.Select(c => c.SourceMessageId));
        Assert.Equal(cases.Select(c => (Guid?)c.Id).Order(), (await db.CheckIns.Select(c => c.CaseId).ToListAsync(Ct)).Order());
        Assert.All(cases, c => Assert.Single(c.Events, e => e.Kind == "CheckInScheduled"));
        Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.Entity == nameof(CheckIn), Ct));
    }

    [Fact]
    public async Task TurnsCommittedTogetherAllCountAndABadRowFailsOnlyItsOwnTurn()
    {
        var known = await KnownCustomerAsync(Address("c3"));
        SurveyResponse Row(int turn, Guid customerId) => new()
        {
            CustomerId = customerId,
            ConversationKey = "test:c3",
            ChannelId = "test",
            MessageId = $"m{turn}",
            FlowId = Survey,
            FlowVersion = 3,
            StepId = "product_quality",
            AnsweredAt = Time.GetUtcNow(),
        };

        // A customer that is not there breaks the foreign key on both providers, as it would through EF.
        var writes = Enumerable.Range(1, 40)
            .Select(turn => Task.Run(() => Writer.WriteAsync([Row(turn, turn == 17 ? Guid.NewGuid() : known.CustomerId)], Ct), Ct))
            .ToList();
        await Assert.ThrowsAnyAsync<DbException>(() => Task.WhenAll(writes));

        Assert.Equal([17], writes.Select((w, i) => (w, Turn: i + 1)).Where(x => x.w.IsFaulted).Select(x => x.Turn));
        await using var db = Db();
        Assert.Equal(39, await db.Responses.CountAsync(Ct));
        Assert.DoesNotContain("m17", await db.Responses.Select(r => r.MessageId).ToListAsync(Ct));
    }

    [Fact]
    public async Task TheLookupReadsTheIdentityAndConsentAsEfReadsThem()
    {
        var address = Address("c4");
        var known = await KnownCustomerAsync(address);
        Assert.False(known.HasLiveInvitations);
        await using (var db = Db())
        {
            var customer = await db.Customers.SingleAsync(c => c.Id == known.CustomerId, Ct);
            customer.OptedOutAt = Time.GetUtcNow() + TimeSpan.FromTicks(11);
            customer.ConsentAskedAt = Time.GetUtcNow() + TimeSpan.FromTicks(22_222);
            customer.TimeZone = "Asia/Shanghai";
            var identity = await db.ChannelIdentities.SingleAsync(i => i.CustomerId == known.CustomerId, Ct);
            (identity.UnreachableAt, identity.TenantId, identity.ServiceUrl, identity.IsGroup) = (Time.GetUtcNow(), "tenant", "https://smba.example/", true);
            var order = new Order { Id = Guid.NewGuid(), ExternalOrderId = "A-1", CustomerId = customer.Id, PurchasedAt = Time.GetUtcNow(), ReceivedAt = Time.GetUtcNow() };
            db.AddRange(order, new Invitation
            {
                Id = Guid.NewGuid(), OrderId = order.Id, CustomerId = customer.Id, FlowId = Survey, Status = InvitationStatus.Sent,
                DueAt = Time.GetUtcNow(), ExpiresAt = Time.GetUtcNow() + TimeSpan.FromHours(1), CreatedAt = Time.GetUtcNow(), UpdatedAt = Time.GetUtcNow(),
            });
            await db.SaveChangesAsync(Ct);
        }

        var found = await Customers.FindAsync(address, Ct);

        await using (var db = Db())
        {
            var (identity, customer) = (await db.FindIdentityAsync(address, Ct))!.Value;
            var expected = new CustomerSnapshot(
                customer.Id, identity.Id, address with { TenantId = "tenant", ServiceUrl = "https://smba.example/", IsGroup = true }, identity.Locale,
                identity.LastSeenAt, identity.UnreachableAt, customer.OptedOutAt, customer.ConsentAskedAt, HasLiveInvitations: true, customer.TimeZone);
            Assert.Equal(expected, found);
        }

        Time.Advance(TimeSpan.FromHours(1));
        Assert.False((await Customers.FindAsync(address, Ct))?.HasLiveInvitations, "an expired invitation is not live");
        Assert.Null(await Customers.FindAsync(Address("never-seen"), Ct));
    }
}

public sealed class SqliteRecordsFastPathTests : RecordsFastPathTests
{
    protected override Task<RecordsStorage> CreateStorageAsync() => Task.FromResult<RecordsStorage>(new SqliteRecordsStorage());
}

public sealed class PostgresRecordsFastPathTests(PostgresServerFixture postgres) : RecordsFastPathTests
{
    protected override async Task<RecordsStorage> CreateStorageAsync() => await PostgresRecordsStorage.CreateAsync(postgres);

    [Fact]
    public async Task ConnectionsTheServerDroppedCostNoTurn()
    {
        var address = Address("c5");
        var known = await KnownCustomerAsync(address);
        var answer = new AnswerRecorded(Survey, 3, "product_quality", StepKind.Rating, "5", 5, "csat", "product");
        await Turns.RecordAsync(Turn(address, "m1", known, answer), Ct);

        // What a server restart or an idle timeout does to the connections the lookup and the writer keep open.
        await using (var db = Db())
        {
            await db.Database.ExecuteSqlRawAsync("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", Ct);
        }

        Npgsql.NpgsqlConnection.ClearAllPools();

        Assert.Equal(known.CustomerId, (await Customers.FindAsync(address, Ct))?.CustomerId);
        await Turns.RecordAsync(Turn(address, "m2", known, answer), Ct);
        await using var check = Db();
        Assert.Equal(["m1", "m2"], await check.Responses.OrderBy(r => r.Id).Select(r => r.MessageId).ToListAsync(Ct));
    }
}
