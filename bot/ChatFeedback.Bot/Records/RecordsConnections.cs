using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ChatFeedback.Bot.Records;

/// <summary>
/// Plain ADO.NET connections to the records database, for the two statements every turn runs (<see cref="CustomerLookup"/>,
/// <see cref="AnswerWriter"/>): compiled once and kept on an open connection, they skip the context, change tracker and
/// per-open set-up that made them about half of a turn's CPU through EF. Values are converted by EF's own type mappings,
/// so what these write and read is exactly what EF writes and reads on the same provider.
/// </summary>
internal sealed class RecordsConnections(IDbContextFactory<RecordsDbContext> contexts)
{
    // What EF's SQLite provider and SqliteConnectionSettings run on every connection they open.
    private const string SqlitePragmas = "PRAGMA foreign_keys=1; " + SqliteConnectionSettings.Pragmas;

    private readonly Lazy<(IModel Model, DbProviderFactory Factory, string ConnectionString, bool IsSqlite)> _provider = new(() =>
    {
        using var db = contexts.CreateDbContext();
        var connection = db.Database.GetDbConnection();
        return (db.Model, DbProviderFactories.GetFactory(connection) ?? throw new InvalidOperationException("The records provider has no ADO.NET factory."),
            db.Database.GetConnectionString() ?? "", db is SqliteRecordsDbContext);
    });

    public IEntityType Entity<T>() => _provider.Value.Model.FindEntityType(typeof(T))
        ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the records model.");

    /// <summary>
    /// Opens a connection and builds <typeparamref name="T"/> on it (statements prepared once, kept for the connection's
    /// life); the connection is closed again when building fails.
    /// </summary>
    public async Task<T> OpenForAsync<T>(Func<DbConnection, T> create, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(create);
        var connection = await OpenAsync(cancellationToken);
        try
        {
            return create(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var (_, factory, connectionString, isSqlite) = _provider.Value;
        var connection = factory.CreateConnection() ?? throw new InvalidOperationException("The records provider created no connection.");
        try
        {
            connection.ConnectionString = connectionString;
            await connection.OpenAsync(cancellationToken);
            if (isSqlite)
            {
                await using var pragmas = connection.CreateCommand();
                pragmas.CommandText = SqlitePragmas;
                await pragmas.ExecuteNonQueryAsync(cancellationToken);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

/// <summary>One column of a raw statement: its parameter, filled the way EF fills its own for that property.</summary>
internal sealed class MappedParameter
{
    private readonly RelationalTypeMapping _mapping;

    public MappedParameter(DbCommand command, string name, IProperty property)
    {
        _mapping = property.GetRelationalTypeMapping();
        Parameter = _mapping.CreateParameter(command, name, null, property.IsNullable);
        command.Parameters.Add(Parameter);
    }

    public DbParameter Parameter { get; }

    public void Set(object? value) => Parameter.Value = (value is null ? null : _mapping.Converter?.ConvertToProvider(value) ?? value) ?? DBNull.Value;

    /// <summary>Reads a column of this property's type from a row as EF would (converted back when EF converts it).</summary>
    public static T Read<T>(DbDataReader reader, int ordinal, IProperty property) =>
        property.GetRelationalTypeMapping().Converter is { } converter
            ? (T)converter.ConvertFromProvider(reader.GetValue(ordinal))!
            : reader.GetFieldValue<T>(ordinal);

    public static T? ReadOrNull<T>(DbDataReader reader, int ordinal, IProperty property)
        where T : struct => reader.IsDBNull(ordinal) ? null : Read<T>(reader, ordinal, property);

    public static string? ReadString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
