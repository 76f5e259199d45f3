using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ChatFeedback.Bot.Records;

/// <summary>
/// Commits answer rows for the common turn (see <see cref="RecordsEffectHandler"/>) with group commit: the turns
/// waiting at the same moment share one transaction, written by whichever of them found no commit under way. SQLite
/// takes one writer at a time, so one transaction per turn made concurrent turns queue on its lock (the p99) and pay
/// a commit each. Every turn still returns only once its own rows are committed.
/// </summary>
/// <remarks>
/// A row already there (a redelivered message) is skipped by the unique key (conversation, message, step), with
/// <c>ON CONFLICT ... DO NOTHING</c> on SQLite and PostgreSQL alike. When a commit fails, each of its turns is
/// written again alone on a fresh connection, so one turn's bad row fails only that turn.
/// </remarks>
internal sealed partial class AnswerWriter(RecordsConnections connections, ILogger<AnswerWriter> logger) : IAsyncDisposable
{
    private readonly ConcurrentQueue<Pending> _waiting = new();
    private readonly SemaphoreSlim _commit = new(1, 1);

    // Only touched by the one committing caller.
    private Insert? _insert;

    public async Task WriteAsync(IReadOnlyList<SurveyResponse> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var pending = new Pending(rows);
        _waiting.Enqueue(pending);

        // One commit at a time. Whoever holds it commits everything queued by then, its own rows included, unless the
        // holder before it already did: each turn commits at most one batch, so none is kept writing for the others.
        await _commit.WaitAsync(cancellationToken);
        try
        {
            if (!pending.Done.Task.IsCompleted)
            {
                var batch = new List<Pending>();
                while (_waiting.TryDequeue(out var next))
                {
                    batch.Add(next);
                }

                await CommitAsync(batch);
            }
        }
        finally
        {
            _commit.Release();
        }

        await pending.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        try
        {
            // Not the caller's token: the batch carries other turns, which must not fail because this one was cancelled.
            await WriteAsync(batch, CancellationToken.None);
            batch.ForEach(p => p.Done.TrySetResult());
            return;
        }
        catch (Exception ex)
        {
            CommitFailed(ex, batch.Count);
        }

        // Each turn again on a fresh connection: a connection the server dropped costs no turn, and a bad row fails
        // only its own. Rows already committed are skipped by the unique key, so trying again is safe.
        foreach (var pending in batch)
        {
            try
            {
                await WriteAsync([pending], CancellationToken.None);
                pending.Done.TrySetResult();
            }
            catch (Exception ex)
            {
                pending.Done.TrySetException(ex);
            }
        }
    }

    private async Task WriteAsync(List<Pending> batch, CancellationToken cancellationToken)
    {
        _insert ??= await Insert.OpenAsync(connections, cancellationToken);
        try
        {
            await _insert.RunAsync(batch.SelectMany(p => p.Rows), cancellationToken);
        }
        catch
        {
            // The connection may be broken or the transaction left open: start again on a fresh one.
            var broken = _insert;
            _insert = null;
            await broken.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _insert, null) is { } insert)
        {
            await insert.DisposeAsync();
        }

        _commit.Dispose();
    }

    [LoggerMessage(LogLevel.Warning, "Committing the answers of {Turns} turns failed; trying each turn alone on a fresh connection")]
    private partial void CommitFailed(Exception exception, int turns);

    private sealed record Pending(IReadOnlyList<SurveyResponse> Rows)
    {
        // Completed by the committing caller: the waiting turns go on on their own threads, not inside its loop.
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// One INSERT of every mapped column of a response row, on a connection of its own; the command is reused, so
    /// SQLite compiles it once (it is not prepared on PostgreSQL: a null changes a parameter's type there).
    /// </summary>
    private sealed class Insert : IAsyncDisposable
    {
        private readonly DbConnection _connection;
        private readonly DbCommand _command;
        private readonly (IProperty Property, MappedParameter Parameter)[] _columns;

        private Insert(RecordsConnections connections, DbConnection connection)
        {
            _connection = connection;
            _command = connection.CreateCommand();
            var entity = connections.Entity<SurveyResponse>();
            var table = entity.GetTableName() ?? throw new InvalidOperationException("Responses have no table.");
            var key = entity.GetIndexes().Single(i => i.IsUnique).Properties;

            // Every column EF would insert (the generated id is left to the database), from the model itself.
            _columns = entity.GetProperties()
                .Where(p => p.ValueGenerated == ValueGenerated.Never)
                .Select((p, i) => (p, new MappedParameter(_command, "@p" + i.ToString(CultureInfo.InvariantCulture), p)))
                .ToArray();
            _command.CommandText =
                $"INSERT INTO {Quote(table)} ({string.Join(", ", _columns.Select(c => Quote(c.Property.GetColumnName())))}) " +
                $"VALUES ({string.Join(", ", _columns.Select(c => c.Parameter.Parameter.ParameterName))}) " +
                $"ON CONFLICT ({string.Join(", ", key.Select(p => Quote(p.GetColumnName())))}) DO NOTHING";
        }

        public static async Task<Insert> OpenAsync(RecordsConnections connections, CancellationToken cancellationToken)
        {
            // Microsoft.Data.Sqlite compiles the statement on the first run and keeps it with the command.
            var connection = await connections.OpenAsync(cancellationToken);
            try
            {
                return new Insert(connections, connection);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }

        public async Task RunAsync(IEnumerable<SurveyResponse> rows, CancellationToken cancellationToken)
        {
            await using var transaction = await _connection.BeginTransactionAsync(cancellationToken);
            _command.Transaction = transaction;
            foreach (var row in rows)
            {
                foreach (var (property, parameter) in _columns)
                {
                    parameter.Set(property.GetGetter().GetClrValueUsingContainingEntity(row));
                }

                await _command.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            await _command.DisposeAsync();
            await _connection.DisposeAsync();
        }

        private static string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
    }
}
