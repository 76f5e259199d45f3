using System.Data.Common;
using ChatFeedback.Bot.Cli;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatFeedback.Bot.Records;

public enum StorageProvider
{
    /// <summary>A SQLite file in <see cref="StorageOptions.DataPath"/>: the embedded default, one instance.</summary>
    Sqlite,

    /// <summary>PostgreSQL from <c>ConnectionStrings:ChatFeedback</c>: production, several instances.</summary>
    Postgres,
}

/// <summary>Where records and schedules are kept: <c>Storage:*</c> plus <c>ConnectionStrings:ChatFeedback</c>.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public const string ConnectionStringName = "ChatFeedback";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>The data folder for the SQLite file when no connection string is given (relative = from the working directory).</summary>
    public string DataPath { get; set; } = "data";

    /// <summary>The full path of <see cref="DataPath"/> (<see cref="UserPaths"/>).</summary>
    public string DataDirectory => UserPaths.Resolve(DataPath);

    /// <summary>Bound from <c>ConnectionStrings:ChatFeedback</c>; for SQLite, empty means <c>{DataPath}/chatfeedback.db</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Statements Npgsql prepares on the server by itself when the connection string does not say.</summary>
    public const int DefaultMaxAutoPrepare = 64;

    /// <summary>
    /// The connection string actually used. On PostgreSQL, Npgsql's automatic preparation is on unless the connection
    /// string sets <c>Max Auto Prepare</c>: every turn runs the same few statements, and the server parsing and planning
    /// each of them again took about a third of its CPU in the load run (0.75 against 0.48 ms per turn).
    /// </summary>
    public string ResolvedConnectionString => Provider switch
    {
        StorageProvider.Sqlite when string.IsNullOrWhiteSpace(ConnectionString) => $"Data Source={Path.Combine(DataDirectory, "chatfeedback.db")}",
        StorageProvider.Postgres => WithAutoPrepare(ConnectionString ?? ""),
        _ => ConnectionString ?? "",
    };

    private static string WithAutoPrepare(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            return connectionString; // opening it reports what is wrong, with Npgsql's own message
        }

        var keys = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>();
        if (keys.Any(k => k.Replace(" ", "", StringComparison.Ordinal).Equals("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase)))
        {
            return connectionString;
        }

        builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
        return builder.ConnectionString;
    }
}

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (!Enum.IsDefined(options.Provider))
        {
            return ValidateOptionsResult.Fail($"{StorageOptions.SectionName}:Provider must be Sqlite or Postgres (was {options.Provider}).");
        }

        if (options.Provider == StorageProvider.Postgres && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail(
                $"ConnectionStrings:{StorageOptions.ConnectionStringName} must be set when {StorageOptions.SectionName}:Provider is Postgres, e.g. \"Host=db;Database=chatfeedback;Username=chatfeedback;Password=...\".");
        }

        if (options.Provider == StorageProvider.Sqlite && string.IsNullOrWhiteSpace(options.ConnectionString) && string.IsNullOrWhiteSpace(options.DataPath))
        {
            return ValidateOptionsResult.Fail($"{StorageOptions.SectionName}:DataPath must name a folder when ConnectionStrings:{StorageOptions.ConnectionStringName} is empty.");
        }

        return ValidateOptionsResult.Success;
    }
}
