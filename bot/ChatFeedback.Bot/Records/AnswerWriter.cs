using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ChatFeedback.Bot.Records;

/// <summary>
/// Commits the rows of the common turn (see <see cref="RecordsEffectHandler"/>: answers, the cases a turn opens with
/// their first event and audit entry, and the check-in a follow-up asks for with its audit entry and case event) with
/// group commit: the turns waiting at the same moment share one transaction,
/// written by whichever of them found no commit under way. SQLite takes one writer at a time, so one transaction per
/// turn made concurrent turns queue on its lock (the p99) and pay a commit each. Every turn still returns only once
/// its own rows are committed.
/// </summary>
/// <remarks>
/// A row already there (a redelivered message) is skipped by its unique key: (conversation, message, step) for an
/// answer, (conversation, source message) for a case, the id for a check-in, with <c>ON CONFLICT ... DO NOTHING</c> on
/// SQLite and PostgreSQL alike; a case or check-in found there keeps the event and audit entry it was recorded with, and a
/// check-in linked to a case the turn found there was recorded with that case. When a commit fails, each of its
/// turns is written again alone on a fresh connection, so one turn's bad row fails only that turn.
/// </remarks>
internal sealed partial class AnswerWriter(RecordsConnections connections, ILogger<AnswerWriter> logger) : IAsyncDisposable
{
    private readonly ConcurrentQueue<Pending> _waiting = new();
    private readonly SemaphoreSlim _commit = new(1, 1);

    // Only touched by the one committing caller.
    private Insert? _insert;

    public Task WriteAsync(IReadOnlyList<SurveyResponse> rows, CancellationToken cancellationToken) =>
        WriteAsync(new TurnRows(rows, [], []), cancellationToken);

    /// <summary>Commits the turn's rows; returns the cases and check-ins written now (not found there already).</summary>
    public async Task<WrittenRows> WriteAsync(TurnRows rows, CancellationToken cancellationToken)
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
        return new WrittenRows(pending.Written, pending.WrittenCheckIns);
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
            await _insert.RunAsync(batch, cancellationToken);
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

    private sealed record Pending(TurnRows Rows)
    {
        // Completed by the committing caller: the waiting turns go on on their own threads, not inside its loop.
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The cases this commit wrote; filled by the committing caller before <see cref="Done"/>.</summary>
        public List<Case> Written { get; } = [];

        /// <summary>The check-ins this commit wrote, likewise.</summary>
        public List<PlannedCheckIn> WrittenCheckIns { get; } = [];
    }

    /// <summary>
    /// The INSERTs of the rows a turn writes, on a connection of their own; each command is reused, so SQLite compiles
    /// it once (it is not prepared on PostgreSQL: a null changes a parameter's type there).
    /// </summary>
    private sealed class Insert : IAsyncDisposable
    {
        private readonly DbConnection _connection;
        private readonly TableInsert _responses;
        private readonly TableInsert _cases;
        private readonly TableInsert _caseEvents;
        private readonly TableInsert _audit;
        private readonly TableInsert _checkIns;

        private Insert(RecordsConnections connections, DbConnection connection)
        {
            _connection = connection;
            _responses = new TableInsert(connection, connections.Entity<SurveyResponse>());
            _cases = new TableInsert(connection, connections.Entity<Case>());
            _caseEvents = new TableInsert(connection, connections.Entity<CaseEvent>());
            _audit = new TableInsert(connection, connections.Entity<AuditEntry>());
            _checkIns = new TableInsert(connection, connections.Entity<CheckIn>());
        }

        // Microsoft.Data.Sqlite compiles a statement on its first run and keeps it with the command.
        public static Task<Insert> OpenAsync(RecordsConnections connections, CancellationToken cancellationToken) =>
            connections.OpenForAsync(connection => new Insert(connections, connection), cancellationToken);

        public async Task RunAsync(IEnumerable<Pending> batch, CancellationToken cancellationToken)
        {
            await using var transaction = await _connection.BeginTransactionAsync(cancellationToken);
            foreach (var pending in batch)
            {
                // A batch that failed is written again turn by turn.
                pending.Written.Clear();
                pending.WrittenCheckIns.Clear();
                foreach (var row in pending.Rows.Answers)
                {
                    await _responses.RunAsync(row, transaction, cancellationToken);
                }

                foreach (var (@case, audit) in pending.Rows.Cases)
                {
                    if (!await _cases.RunAsync(@case, transaction, cancellationToken))
                    {
                        continue; // recorded by an earlier delivery of the message, with its event and audit entry
                    }

                    foreach (var @event in @case.Events)
                    {
                        @event.CaseId = @case.Id;
                        await _caseEvents.RunAsync(@event, transaction, cancellationToken);
                    }

                    await _audit.RunAsync(audit, transaction, cancellationToken);
                    pending.Written.Add(@case);
                }

                foreach (var planned in pending.Rows.CheckIns)
                {
                    await WriteAsync(pending, planned, transaction, cancellationToken);
                }
            }

            await transaction.CommitAsync(cancellationToken);
        }

        private async Task WriteAsync(Pending pending, PlannedCheckIn planned, DbTransaction transaction, CancellationToken cancellationToken)
        {
            var caseId = planned.CheckIn.CaseId;
            if (caseId is not null && pending.Rows.Cases.Any(c => c.Case.Id == caseId) && !pending.Written.Any(c => c.Id == caseId))
            {
                return; // its case was recorded by an earlier delivery of the message, and the check-in with it
            }

            if (!await _checkIns.RunAsync(planned.CheckIn, transaction, cancellationToken))
            {
                return;
            }

            await _audit.RunAsync(planned.Audit, transaction, cancellationToken);
            if (planned.CaseEvent is { } caseEvent)
            {
                await _caseEvents.RunAsync(caseEvent, transaction, cancellationToken);
            }

            pending.WrittenCheckIns.Add(planned);
        }

        public async ValueTask DisposeAsync()
        {
            await _checkIns.DisposeAsync();
            await _responses.DisposeAsync();
            await _cases.DisposeAsync();
            await _caseEvents.DisposeAsync();
            await _audit.DisposeAsync();
            await _connection.DisposeAsync();
        }
    }

    /// <summary>
    /// One INSERT of every column EF would insert into an entity's table, from the model itself: all but the ids the
    /// database generates (integer keys; EF makes GUID keys on the client, so they are in the row). A row already there
    /// is skipped: by the table's unique index, or, without one, by a key made on the client (a GUID).
    /// </summary>
    private sealed class TableInsert : IAsyncDisposable
    {
        private readonly DbCommand _command;
        private readonly (IProperty Property, MappedParameter Parameter)[] _columns;

        public TableInsert(DbConnection connection, IEntityType entity)
        {
            _command = connection.CreateCommand();
            var table = entity.GetTableName() ?? throw new InvalidOperationException($"{entity.DisplayName()} has no table.");
            _columns = entity.GetProperties()
                .Where(p => p.ValueGenerated == ValueGenerated.Never || p.ClrType == typeof(Guid))
                .Select((p, i) => (p, new MappedParameter(_command, "@p" + i.ToString(CultureInfo.InvariantCulture), p)))
                .ToArray();
            var key = entity.FindPrimaryKey()?.Properties;
            var unique = entity.GetIndexes().SingleOrDefault(i => i.IsUnique)?.Properties
                ?? (key is [{ ClrType: var type }] && type == typeof(Guid) ? key : null);
            _command.CommandText =
                $"INSERT INTO {Quote(table)} ({string.Join(", ", _columns.Select(c => Quote(c.Property.GetColumnName())))}) " +
                $"VALUES ({string.Join(", ", _columns.Select(c => c.Parameter.Parameter.ParameterName))})" +
                (unique is null ? "" : $" ON CONFLICT ({string.Join(", ", unique.Select(p => Quote(p.GetColumnName())))}) DO NOTHING");
        }

        /// <summary>Inserts the row; false when its unique key was there already.</summary>
        public async Task<bool> RunAsync(object row, DbTransaction transaction, CancellationToken cancellationToken)
        {
            _command.Transaction = transaction;
            foreach (var (property, parameter) in _columns)
            {
                parameter.Set(property.GetGetter().GetClrValueUsingContainingEntity(row));
            }

            return await _command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }

        public ValueTask DisposeAsync() => _command.DisposeAsync();

        private static string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
    }
}

/// <summary>A case a turn opens, with the audit entry that records the opening.</summary>
internal sealed record OpenedCase(Case Case, AuditEntry Audit);

/// <summary>What a turn writes through <see cref="AnswerWriter"/>.</summary>
internal sealed record TurnRows(IReadOnlyList<SurveyResponse> Answers, IReadOnlyList<OpenedCase> Cases, IReadOnlyList<PlannedCheckIn> CheckIns);

/// <summary>The cases and check-ins a write added (the rest were there already).</summary>
internal sealed record WrittenRows(IReadOnlyList<Case> Cases, IReadOnlyList<PlannedCheckIn> CheckIns);
