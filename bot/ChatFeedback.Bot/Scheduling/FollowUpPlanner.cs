using System.Threading.Channels;
using ChatFeedback.Bot.Records;
using Microsoft.Extensions.Options;
using Quartz;

namespace ChatFeedback.Bot.Scheduling;

/// <summary>
/// Plans check-ins (<see cref="IFollowUpPlanner"/>) and sets the triggers of the ones a turn committed. A turn's
/// check-in row commits with the turn's records, so a follow-up is kept exactly when its answer is; its trigger
/// follows off the turn, one at a time in the order committed. A trigger that exists is kept (a redelivery, or the
/// start-up repair got there first). Setting one that fails is tried again until it works or the host stops; what is
/// still queued then, or lost in a crash, is put back from the rows at the next start by <see cref="ScheduleRepairService"/>.
/// </summary>
public sealed partial class FollowUpPlanner(
    ContactTimePolicy policy,
    IOptions<CheckInOptions> options,
    ISchedulerFactory schedulers,
    TimeProvider timeProvider,
    ILogger<FollowUpPlanner> logger) : IFollowUpPlanner, IHostedService, IDisposable
{
    /// <summary>Committed check-ins waiting for their trigger; a full queue holds the committing turn back.</summary>
    public const int QueueCapacity = 10_000;

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly Channel<(Guid Id, DateTimeOffset At)> _pending =
        Channel.CreateBounded<(Guid, DateTimeOffset)>(new BoundedChannelOptions(QueueCapacity) { SingleReader = true });

    private readonly CancellationTokenSource _stopping = new();
    private Task _writer = Task.CompletedTask;

    public PlannedCheckIn Plan(FollowUpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = CheckInService.IdFor(request.SourceKey);
        var plan = policy.PlanCheckIn(request.EventAt, request.Delay, request.Now, policy.ZoneOf(request.TimeZone));
        var checkIn = new CheckIn
        {
            Id = id,
            CustomerId = request.CustomerId,
            CaseId = request.CaseId,
            FlowId = request.FlowId ?? options.Value.FlowId,
            Status = CheckInStatus.Scheduled,
            DueAt = plan.DueAt ?? plan.Deadline,
            Deadline = plan.Deadline,
            CreatedAt = request.Now,
        };

        if (request.OptedOut)
        {
            return Settled(checkIn, CheckInStatus.Cancelled, "opted out", request.Now);
        }

        if (plan.DueAt is not { } due)
        {
            return Settled(checkIn, CheckInStatus.Missed, plan.SkipReason, request.Now);
        }

        return new PlannedCheckIn(
            checkIn,
            Audit(checkIn, "Scheduled", $"due {due:O}", request.Now),
            CaseEvent(checkIn, CheckInService.ScheduledEvent, $"due {due:O}, by {plan.Deadline:O}", request.Now));
    }

    /// <summary>The row and audit entry of a check-in settled at <paramref name="now"/>; a missed one is noted on its case.</summary>
    internal static PlannedCheckIn Settled(CheckIn checkIn, CheckInStatus status, string? reason, DateTimeOffset now)
    {
        checkIn.Status = status;
        checkIn.Note = reason;
        return new PlannedCheckIn(
            checkIn,
            Audit(checkIn, status.ToString(), reason, now),
            status == CheckInStatus.Missed ? CaseEvent(checkIn, CheckInService.MissedEvent, reason, now) : null);
    }

    public async ValueTask CommittedAsync(PlannedCheckIn planned, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(planned);
        if (planned.TriggerAt is not { } at)
        {
            return;
        }

        try
        {
            await _pending.Writer.WriteAsync((planned.CheckIn.Id, at), cancellationToken);
        }
        catch (ChannelClosedException)
        {
            // The host is stopping: the row is committed, so the next start's repair sets the trigger.
            LeftForRepair(planned.CheckIn.Id);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _writer = Task.Run(() => WriteTriggersAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Sets the triggers queued so far, until <paramref name="cancellationToken"/> (the host's stop timeout) cuts it short.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _pending.Writer.TryComplete();
        await using (cancellationToken.Register(_stopping.Cancel))
        {
            await _writer;
        }
    }

    public void Dispose() => _stopping.Dispose();

    private async Task WriteTriggersAsync(CancellationToken stopping)
    {
        var reader = _pending.Reader;
        try
        {
            var scheduler = await schedulers.GetScheduler(stopping);
            while (await reader.WaitToReadAsync(stopping))
            {
                while (reader.TryPeek(out var next))
                {
                    await SetAsync(scheduler, next.Id, next.At, stopping);
                    reader.TryRead(out _);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            var left = 0;
            while (reader.TryRead(out _))
            {
                left++;
            }

            if (left > 0)
            {
                StoppedWithTriggersLeft(left);
            }
        }
    }

    private async Task SetAsync(IScheduler scheduler, Guid id, DateTimeOffset at, CancellationToken stopping)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await scheduler.ScheduleTrigger(ScheduledJobs.Trigger(ScheduledJobs.SendCheckIn, id, at, timeProvider), TriggerConflict.Keep, stopping);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                var delay = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, attempt - 1), MaxRetryDelay.TotalSeconds));
                TriggerFailed(ex, id, attempt, delay);
                await Task.Delay(delay, timeProvider, stopping);
            }
        }
    }

    private static AuditEntry Audit(CheckIn checkIn, string action, string? detail, DateTimeOffset at) =>
        RecordChanges.AuditEntryFor(at, nameof(CheckIn), checkIn.Id, action, AuditLog.Scheduler, detail);

    private static CaseEvent? CaseEvent(CheckIn checkIn, string kind, string? detail, DateTimeOffset at) =>
        checkIn.CaseId is { } caseId ? new CaseEvent { CaseId = caseId, At = at, Kind = kind, Detail = detail } : null;

    [LoggerMessage(LogLevel.Warning, "Setting the trigger of check-in {CheckInId} failed (attempt {Attempt}); trying again in {Delay}")]
    private partial void TriggerFailed(Exception exception, Guid checkInId, int attempt, TimeSpan delay);

    [LoggerMessage(LogLevel.Information, "Check-in {CheckInId} was committed while the host stopped; the next start sets its trigger")]
    private partial void LeftForRepair(Guid checkInId);

    [LoggerMessage(LogLevel.Warning, "Stopped with {Count} check-in triggers not yet set; the next start sets them from their rows")]
    private partial void StoppedWithTriggersLeft(int count);
}
