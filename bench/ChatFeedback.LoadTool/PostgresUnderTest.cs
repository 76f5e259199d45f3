using System.Globalization;
using System.Net;
using Npgsql;

namespace ChatFeedback.LoadTool;

/// <summary>
/// Records in PostgreSQL (<c>--postgres</c>): a database of this run's own on a server the caller runs on loopback,
/// created before the service starts (its migrations then run on an empty database) and dropped at the end.
/// </summary>
public sealed class PostgresUnderTest : IAsyncDisposable
{
    private readonly string _admin;

    private PostgresUnderTest(string admin, string connectionString, string database)
    {
        _admin = admin;
        ConnectionString = connectionString;
        Database = database;
    }

    /// <summary>The service's connection string (<c>ConnectionStrings:ChatFeedback</c>).</summary>
    public string ConnectionString { get; }

    public string Database { get; }

    public static async Task<PostgresUnderTest> CreateAsync(string admin, string runId)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(admin);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"--postgres is not a valid Npgsql connection string: {ex.Message}", ex);
        }

        if (!IsLoopback(builder.Host))
        {
            throw new ArgumentException($"--postgres must point at a server on loopback (was Host={builder.Host}).");
        }

        var database = $"cf_load_{runId}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        builder.Database = database;
        return new PostgresUnderTest(admin, builder.ConnectionString, database);
    }

    /// <summary>
    /// CPU seconds of every process named <c>postgres</c> (the server and its backends, which serve the service's
    /// pooled connections for the whole run). On a machine running other PostgreSQL work this counts that too.
    /// </summary>
    public static double CpuSeconds()
    {
        double total = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var pid = Path.GetFileName(dir);
            if (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() == "postgres")
                {
                    total += ProcStats.CpuSeconds(pid);
                }
            }
            catch (IOException)
            {
                // the process ended while we looked
            }
            catch (UnauthorizedAccessException)
            {
                // not ours to read
            }
        }

        return total;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await using var connection = new NpgsqlConnection(_admin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Database}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException ex)
        {
            await Console.Error.WriteLineAsync($"Dropping the load database {Database} failed: {ex.Message}");
        }
    }

    private static bool IsLoopback(string? host) =>
        host is not null && (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address)));
}
