using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ChatFeedback.Bot.Records;

/// <summary>
/// Per-connection SQLite settings, applied whenever EF opens a (pooled) connection, since SQLite keeps them per
/// connection and not in the file:
/// <list type="bullet">
/// <item><c>synchronous=NORMAL</c>: in WAL mode a commit survives a crash of the process (what "an answer is never
/// lost" needs); only an operating-system crash or power cut can lose the last commits. With the default, FULL, every
/// commit waits for an fsync, which capped the turn rate at a few hundred per second.</item>
/// <item><c>busy_timeout</c>: a writer that finds the file locked waits inside SQLite in steps of a few milliseconds,
/// instead of failing into Microsoft.Data.Sqlite's own retry, which sleeps 150 ms at a time.</item>
/// </list>
/// </summary>
internal sealed class SqliteConnectionSettings : DbConnectionInterceptor
{
    internal const string Pragmas = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
