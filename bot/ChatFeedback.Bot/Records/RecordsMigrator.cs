using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Records;

/// <summary>
/// Brings the records schema up to date when the service starts (both providers; on PostgreSQL EF Core holds a
/// migration lock, so instances starting together take turns). Registered before the scheduler, which reads these tables.
/// </summary>
internal sealed partial class RecordsMigrator(
    IDbContextFactory<RecordsDbContext> contexts,
    IOptions<StorageOptions> options,
    ILogger<RecordsMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var storage = options.Value;
        if (storage.Provider == StorageProvider.Sqlite && string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            Directory.CreateDirectory(storage.DataDirectory);
        }

        await using var db = contexts.CreateDbContext();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await db.Database.MigrateAsync(cancellationToken);
        if (storage.Provider == StorageProvider.Sqlite)
        {
            // Write-ahead logging: readers do not block the writer, and the scheduler shares the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        Migrated(storage.Provider, pending.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "Records store ({Provider}) is up to date; {Applied} migrations applied")]
    private partial void Migrated(StorageProvider provider, int applied);
}
