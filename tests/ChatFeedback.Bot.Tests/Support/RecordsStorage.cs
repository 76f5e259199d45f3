namespace ChatFeedback.Bot.Tests.Support;

/// <summary>
/// A fresh, empty records database for one test class, on one provider: the settings that point the service at it
/// (<c>Storage:Provider</c>, <c>ConnectionStrings:ChatFeedback</c>).
/// </summary>
public abstract class RecordsStorage : IAsyncDisposable
{
    public abstract string Provider { get; }

    public abstract string ConnectionString { get; }

    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Storage:Provider"] = Provider,
        ["ConnectionStrings:ChatFeedback"] = ConnectionString,
    };

    public abstract ValueTask DisposeAsync();
}

/// <summary>A SQLite file in a temp folder of its own.</summary>
public sealed class SqliteRecordsStorage : RecordsStorage
{
    private readonly TempDirectory _folder = new();

    public override string Provider => "Sqlite";

    public override string ConnectionString => $"Data Source={Path.Combine(_folder.Path, "records.db")}";

    public override ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A database of its own on the test PostgreSQL (<see cref="PostgresServerFixture"/>).</summary>
public sealed class PostgresRecordsStorage : RecordsStorage
{
    private readonly PostgresServerFixture _server;
    private readonly string _connectionString;

    private PostgresRecordsStorage(PostgresServerFixture server, string connectionString)
    {
        _server = server;
        _connectionString = connectionString;
    }

    public override string Provider => "Postgres";

    public override string ConnectionString => _connectionString;

    public static async Task<PostgresRecordsStorage> CreateAsync(PostgresServerFixture server) => new(server, await server.CreateDatabaseAsync());

    public override async ValueTask DisposeAsync() => await _server.DropDatabaseAsync(_connectionString);
}
