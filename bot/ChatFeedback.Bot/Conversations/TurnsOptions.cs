using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Conversations;

/// <summary>The in-process turn queue: <c>Turns:*</c>.</summary>
public sealed class TurnsOptions
{
    public const string SectionName = "Turns";

    /// <summary>
    /// Conversations are spread over this many workers; one conversation always lands on the same one. A worker is an
    /// async loop, not a thread: most of a turn is waiting on the records and Redis, so turns of more conversations in
    /// flight keep the cores busy and share the records' group commits. 64 against 8 in the load run: about 15 % less
    /// CPU per turn on SQLite, and 1,625 against 778 turns/s on PostgreSQL (bench/README.md).
    /// </summary>
    public int Workers { get; set; } = 64;

    /// <summary>Messages each worker holds before enqueuing waits (back-pressure on the channel's request).</summary>
    public int QueueCapacity { get; set; } = 1024;
}

internal sealed class TurnsOptionsValidator : IValidateOptions<TurnsOptions>
{
    public const int MaxWorkers = 1024;

    public ValidateOptionsResult Validate(string? name, TurnsOptions options)
    {
        var failures = new List<string>();
        if (options.Workers is < 1 or > MaxWorkers)
        {
            failures.Add($"{TurnsOptions.SectionName}:Workers must be between 1 and {MaxWorkers} (was {options.Workers}).");
        }

        if (options.QueueCapacity < 1)
        {
            failures.Add($"{TurnsOptions.SectionName}:QueueCapacity must be at least 1 (was {options.QueueCapacity}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
