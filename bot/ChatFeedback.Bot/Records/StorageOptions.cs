using Microsoft.Extensions.Options;

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

    /// <summary>The data folder for the SQLite file when no connection string is given (relative = from the current directory).</summary>
    public string DataPath { get; set; } = "data";

    /// <summary>Bound from <c>ConnectionStrings:ChatFeedback</c>; for SQLite, empty means <c>{DataPath}/chatfeedback.db</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The connection string actually used.</summary>
    public string ResolvedConnectionString => Provider == StorageProvider.Sqlite && string.IsNullOrWhiteSpace(ConnectionString)
        ? $"Data Source={Path.Combine(Path.GetFullPath(DataPath), "chatfeedback.db")}"
        : ConnectionString ?? "";
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
