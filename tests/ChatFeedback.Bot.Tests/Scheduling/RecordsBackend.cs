using ChatFeedback.Bot.Records;
using ChatFeedback.Bot.Tests.Support;
using Microsoft.Data.Sqlite;

namespace ChatFeedback.Bot.Tests.Scheduling;

/// <summary>
/// The database a scheduling test runs on: one fresh database per test, as configuration for the host. The
/// SQLite backend is a temp file; a PostgreSQL backend (a fresh database on the CI server) plugs in as another
/// implementation and another subclass of each abstract test class.
/// </summary>
public interface IRecordsBackend : IAsyncDisposable
{
    string Name { get; }

    /// <summary>Host settings that point records and the Quartz store at this test's database.</summary>
    IReadOnlyDictionary<string, string?> Settings { get; }
}

/// <summary>A SQLite file of its own in the temp folder, deleted afterwards.</summary>
public sealed class SqliteRecordsBackend : IRecordsBackend
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"chatfeedback-sched-{Guid.NewGuid():N}.db");

    public string Name => "sqlite";

    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        [$"{StorageOptions.SectionName}:Provider"] = nameof(StorageProvider.Sqlite),
        [$"ConnectionStrings:{StorageOptions.ConnectionStringName}"] = $"Data Source={_path}",
    };

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // Still held by a connection being torn down: the temp folder is cleaned by the OS.
            }
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>A fresh database on the test PostgreSQL server (records and the clustered Quartz store), dropped afterwards.</summary>
public sealed class PostgresRecordsBackend : IRecordsBackend
{
    private readonly PostgresRecordsStorage _storage;

    public PostgresRecordsBackend(PostgresServerFixture server)
    {
        ArgumentNullException.ThrowIfNull(server);

        // Test classes take their backend in the constructor, before any async set-up can run.
        _storage = PostgresRecordsStorage.CreateAsync(server).GetAwaiter().GetResult();
    }

    public string Name => "postgres";

    public IReadOnlyDictionary<string, string?> Settings => _storage.Settings;

    public ValueTask DisposeAsync() => _storage.DisposeAsync();
}
