using System.Data.Common;
using ChatFeedback.Bot.Records;
using Microsoft.Data.Sqlite;

namespace ChatFeedback.Bot.Scheduling;

/// <summary>
/// Quartz's connections to the SQLite file, with the per-connection pragmas the records connections get
/// (<see cref="SqliteConnectionSettings"/>): without them every trigger write waited for an fsync
/// (<c>synchronous=FULL</c>) and a writer that found the file locked fell into the driver's 150 ms retry sleep, which
/// capped purchase ingestion at about 70 events/s. Quartz opens the connections itself, so the settings ride on the
/// connection's <c>Open</c>.
/// </summary>
internal sealed class SchedulerSqliteDataSource(string connectionString) : DbDataSource
{
    public override string ConnectionString => connectionString;

    protected override DbConnection CreateDbConnection() => new TunedConnection(connectionString);

    private sealed class TunedConnection(string connectionString) : SqliteConnection(connectionString)
    {
        // DbConnection.OpenAsync calls this too (SqliteConnection has no asynchronous open of its own).
        public override void Open()
        {
            base.Open();
            using var command = CreateCommand();
            command.CommandText = SqliteConnectionSettings.Pragmas;
            command.ExecuteNonQuery();
        }
    }
}
