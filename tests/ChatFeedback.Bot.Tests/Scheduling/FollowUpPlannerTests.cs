using ChatFeedback.Bot.Records;
using ChatFeedback.Bot.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Quartz;

namespace ChatFeedback.Bot.Tests.Scheduling;

/// <summary>
/// The follow-up planner on its own, against a real in-memory Quartz scheduler: what a plan holds, and that the
/// triggers of committed check-ins are set off the turn, tried again when setting one fails, and never set for a
/// check-in settled at once.
/// </summary>
public sealed class FollowUpPlannerTests : IAsyncLifetime
{
    // 02:00 UTC is 10:00 in Shanghai: 48 hours on is outside quiet hours there.
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 2, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly WarningCounter _log = new();
    private readonly ServiceProvider _services = new ServiceCollection()
        .AddLogging()
        .AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler => scheduler.InstanceName = $"follow-up-planner-{Guid.NewGuid():N}");
            quartz.UseInMemoryStore();
        })
        .BuildServiceProvider();

    private FollowUpPlanner _planner = null!;
    private IScheduler _scheduler = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var schedulers = _services.GetRequiredService<ISchedulerFactory>();
        _scheduler = await schedulers.GetScheduler(Ct);
        _planner = new FollowUpPlanner(
            new ContactTimePolicy(new InvitationOptions(), new CheckInOptions()),
            Options.Create(new CheckInOptions()),
            schedulers,
            _time,
            _log);
    }

    public async ValueTask DisposeAsync()
    {
        await _planner.StopAsync(CancellationToken.None);
        _planner.Dispose();
        await _scheduler.Shutdown(false, CancellationToken.None);
        await _services.DisposeAsync();
    }

    private static FollowUpRequest Request(string source, Guid? caseId = null, bool optedOut = false, DateTimeOffset? eventAt = null) =>
        new(source, Guid.NewGuid(), caseId, null, eventAt ?? Now, TimeSpan.FromHours(48), Now, "Asia/Shanghai", optedOut);

    [Fact]
    public void APlanIsScheduledAtTheFlowsDelayWithItsAuditEntryAndCaseEvent()
    {
        var caseId = Guid.NewGuid();
        var planned = _planner.Plan(Request("follow-up:telegram:1:m1", caseId));

        Assert.Equal(CheckInService.IdFor("follow-up:telegram:1:m1"), planned.CheckIn.Id);
        Assert.Equal((CheckInStatus.Scheduled, "follow-up", caseId), (planned.CheckIn.Status, planned.CheckIn.FlowId, planned.CheckIn.CaseId));
        Assert.Equal((Now + TimeSpan.FromHours(48), Now + TimeSpan.FromHours(72)), (planned.CheckIn.DueAt, planned.CheckIn.Deadline));
        Assert.Equal(planned.CheckIn.DueAt, planned.TriggerAt);
        Assert.Equal(("CheckIn", planned.CheckIn.Id.ToString("D"), "Scheduled", "scheduler"), (planned.Audit.Entity, planned.Audit.EntityId, planned.Audit.Action, planned.Audit.Actor));
        Assert.Equal((caseId, CheckInService.ScheduledEvent), (planned.CaseEvent?.CaseId, planned.CaseEvent?.Kind));
    }

    [Fact]
    public void AnOptedOutCustomerOrAnEventPastTheWindowIsSettledAtOnceWithoutATrigger()
    {
        var caseId = Guid.NewGuid();
        var cancelled = _planner.Plan(Request("a", caseId, optedOut: true));
        Assert.Equal((CheckInStatus.Cancelled, "opted out", null), (cancelled.CheckIn.Status, cancelled.CheckIn.Note, cancelled.TriggerAt));
        Assert.Equal("Cancelled", cancelled.Audit.Action);
        Assert.Null(cancelled.CaseEvent);

        var missed = _planner.Plan(Request("b", caseId, eventAt: Now - TimeSpan.FromHours(80)));
        Assert.Equal((CheckInStatus.Missed, null), (missed.CheckIn.Status, missed.TriggerAt));
        Assert.Equal((caseId, CheckInService.MissedEvent), (missed.CaseEvent?.CaseId, missed.CaseEvent?.Kind));
    }

    [Fact]
    public async Task CommittedCheckInsGetTheirTriggerAndSettledOnesNone()
    {
        await _scheduler.AddJob(JobBuilder.Create<NoOpJob>().WithIdentity(ScheduledJobs.SendCheckIn).StoreDurably().Build(), AddJobOptions.Replacing, Ct);
        await _planner.StartAsync(Ct);
        var scheduled = _planner.Plan(Request("c"));
        var cancelled = _planner.Plan(Request("d", optedOut: true));

        await _planner.CommittedAsync(scheduled, Ct);
        await _planner.CommittedAsync(scheduled, Ct); // a redelivery's second hand-over keeps the trigger
        await _planner.CommittedAsync(cancelled, Ct);

        await SchedulingHost.EventuallyAsync(async () => await TriggerAsync(scheduled) is not null, "the check-in's trigger");
        Assert.Equal(scheduled.CheckIn.DueAt, (await TriggerAsync(scheduled))!.StartTimeUtc);
        await _planner.StopAsync(Ct); // sets whatever is still queued, the second hand-over included
        var triggers = await _scheduler.QueryTriggers(new TriggerQuery { Group = GroupMatcher<TriggerKey>.GroupEquals(ScheduledJobs.SendCheckIn.Name) }, Ct);
        Assert.Single(triggers.Items);
        Assert.Null(await TriggerAsync(cancelled));
    }

    [Fact]
    public async Task ATriggerThatCannotBeSetIsTriedAgainUntilItIs()
    {
        // No check-in job in the scheduler yet: Quartz refuses the trigger, as a store that is down would.
        await _planner.StartAsync(Ct);
        var planned = _planner.Plan(Request("e"));
        await _planner.CommittedAsync(planned, Ct);
        await SchedulingHost.EventuallyAsync(() => Task.FromResult(_log.Warnings > 0), "the first attempt to fail");
        Assert.Null(await TriggerAsync(planned));

        await _scheduler.AddJob(JobBuilder.Create<NoOpJob>().WithIdentity(ScheduledJobs.SendCheckIn).StoreDurably().Build(), AddJobOptions.Replacing, Ct);
        _time.Advance(TimeSpan.FromSeconds(1));

        await SchedulingHost.EventuallyAsync(async () => await TriggerAsync(planned) is not null, "the trigger on the second attempt");
    }

    [Fact]
    public async Task ACheckInCommittedAfterTheStopIsLeftToTheStartUpRepair()
    {
        await _planner.StartAsync(Ct);
        await _planner.StopAsync(Ct);

        var planned = _planner.Plan(Request("f"));
        await _planner.CommittedAsync(planned, Ct); // must not throw: the row is committed already

        Assert.Null(await TriggerAsync(planned));
    }

    private Task<ITrigger?> TriggerAsync(PlannedCheckIn planned) =>
        _scheduler.GetTrigger(ScheduledJobs.TriggerKeyOf(ScheduledJobs.SendCheckIn, planned.CheckIn.Id), Ct).AsTask();

    /// <summary>Counts the warnings the planner logs: a failed attempt is one.</summary>
    private sealed class WarningCounter : ILogger<FollowUpPlanner>
    {
        private int _warnings;

        public int Warnings => Volatile.Read(ref _warnings);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                Interlocked.Increment(ref _warnings);
            }
        }
    }

    private sealed class NoOpJob : IJob
    {
        public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }
}
