using ChatFeedback.Bot.Records;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace ChatFeedback.Bot.Scheduling;

/// <summary>
/// Runs one unit of work on the records store and the schedule together. On PostgreSQL the rows and the triggers
/// commit in one transaction (Quartz joins the records transaction through <c>EnlistTransaction</c>), so a crash
/// leaves neither a row without its trigger nor a trigger without its row. On SQLite the triggers are written right
/// after the rows commit, in Quartz's own transaction: enlisted, Quartz keeps an in-process lock while the records
/// transaction holds SQLite's single writer lock, and under concurrent requests the scheduler thread and the requests
/// wait on each other's lock (measured: ingestion stalled at 32 concurrent clients). A crash between the two commits
/// leaves a row without its trigger there; <see cref="ScheduleRepairService"/> puts the trigger back at the next start.
/// </summary>
public sealed class ScheduledWork(IDbContextFactory<RecordsDbContext> contexts, ISchedulerFactory schedulers, IOptions<StorageOptions> storage, TimeProvider timeProvider)
{
    private readonly bool _enlist = storage.Value.Provider == StorageProvider.Postgres;

    // SQLite has one writer, and every unit here writes (its transaction begins IMMEDIATE): units wait for each other
    // here, woken as soon as the one before is done, rather than inside SQLite's busy handler, which sleeps up to
    // 100 ms between tries. The unit's triggers are written inside the gate too, so they do not race the next unit.
    private readonly SemaphoreSlim? _sqliteWriter = storage.Value.Provider == StorageProvider.Postgres ? null : new(1, 1);

    /// <summary>Attempts of a unit that hits a unique-index conflict (a concurrent writer got there first).</summary>
    public const int MaxAttempts = 3;

    public TimeProvider Time => timeProvider;

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction, saves, applies the triggers it asked for, and commits. A unique
    /// violation rolls everything back and runs the work again on fresh state, so it can find the winner's rows.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<RecordsDbContext, ScheduleChanges, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        for (var attempt = 1; ; attempt++)
        {
            if (_sqliteWriter is not null)
            {
                await _sqliteWriter.WaitAsync(cancellationToken);
            }

            try
            {
                return await RunOnceAsync(work, cancellationToken);
            }
            catch (DbUpdateException ex) when (attempt < MaxAttempts && IsUniqueViolation(ex))
            {
                // Another writer inserted the same key between our read and our write: read again.
            }
            finally
            {
                _sqliteWriter?.Release();
            }
        }
    }

    public static bool IsUniqueViolation(DbUpdateException ex) =>
        ex?.InnerException switch
        {
            SqliteException sqlite => sqlite.SqliteErrorCode == 19, // SQLITE_CONSTRAINT
            PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
            _ => false,
        };

    private async Task<T> RunOnceAsync<T>(Func<RecordsDbContext, ScheduleChanges, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var changes = new ScheduleChanges();
        var result = await work(db, changes, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        if (changes.IsEmpty)
        {
            await transaction.CommitAsync(cancellationToken);
            return result;
        }

        var scheduler = await schedulers.GetScheduler(cancellationToken);
        if (!_enlist)
        {
            await transaction.CommitAsync(cancellationToken);
            await ApplyAsync(scheduler, changes, cancellationToken);
            return result;
        }

        using (scheduler.EnlistTransaction(transaction.GetDbTransaction()))
        {
            await ApplyAsync(scheduler, changes, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return result;
    }

    private async Task ApplyAsync(IScheduler scheduler, ScheduleChanges changes, CancellationToken cancellationToken)
    {
        foreach (var key in changes.Cancelled)
        {
            await scheduler.UnscheduleJob(key, cancellationToken);
        }

        foreach (var (job, id, at) in changes.Scheduled)
        {
            await scheduler.ScheduleTrigger(ScheduledJobs.Trigger(job, id, at, timeProvider), TriggerConflict.Replace, cancellationToken);
        }
    }
}

/// <summary>The triggers a unit of work wants set or removed, applied inside its transaction.</summary>
public sealed class ScheduleChanges
{
    private readonly List<(JobKey Job, Guid Id, DateTimeOffset At)> _scheduled = [];
    private readonly List<TriggerKey> _cancelled = [];

    public bool IsEmpty => _scheduled.Count == 0 && _cancelled.Count == 0;

    internal IReadOnlyList<(JobKey Job, Guid Id, DateTimeOffset At)> Scheduled => _scheduled;

    internal IReadOnlyList<TriggerKey> Cancelled => _cancelled;

    /// <summary>Fires <paramref name="job"/> for row <paramref name="id"/> at <paramref name="at"/>, replacing an earlier trigger for the pair.</summary>
    public void Schedule(JobKey job, Guid id, DateTimeOffset at) => _scheduled.Add((job, id, at));

    public void Cancel(JobKey job, Guid id) => _cancelled.Add(ScheduledJobs.TriggerKeyOf(job, id));
}
