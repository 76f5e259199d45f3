using ChatFeedback.Bot.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Assessment;

/// <summary>
/// Finds open cases that were never assessed (the process stopped before their assessment ran, the queue was full, the
/// records were down) at start and then every <see cref="AssessmentOptions.RepairInterval"/>, and queues them. Cases
/// younger than a grace period are left to the queue that has them; a case queued twice is assessed once.
/// </summary>
public sealed partial class AssessmentRepairService(
    IDbContextFactory<RecordsDbContext> contexts,
    IAssessmentQueue queue,
    IOptions<AssessmentOptions> options,
    TimeProvider timeProvider,
    ILogger<AssessmentRepairService> logger) : BackgroundService
{
    public const int BatchSize = 500;

    /// <summary>A case this young is still on its way through the queue.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    /// <summary>Queues the unassessed open cases older than <see cref="Grace"/>; returns how many.</summary>
    public async Task<int> RepairAsync(CancellationToken cancellationToken)
    {
        var before = timeProvider.GetUtcNow() - Grace;
        await using var db = contexts.CreateDbContext();
        var pending = await db.Cases.AsNoTracking()
            .Where(c => c.Grade == null && (c.Status == CaseStatus.Open || c.Status == CaseStatus.Responded) && c.OpenedAt < before)
            .OrderBy(c => c.OpenedAt)
            .Select(c => c.Id)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        var queued = pending.Count(id => queue.TryEnqueue(new AssessmentRequest(id, CaseAssessor.OpenedTrigger)));
        if (queued > 0)
        {
            Requeued(queued);
        }

        return queued;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RepairInterval, timeProvider);
        do
        {
            try
            {
                await RepairAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                RepairFailed(ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    [LoggerMessage(LogLevel.Information, "Queued {Count} cases that were not assessed yet")]
    private partial void Requeued(int count);

    [LoggerMessage(LogLevel.Warning, "Looking for unassessed cases failed; trying again at the next interval")]
    private partial void RepairFailed(Exception exception);
}
