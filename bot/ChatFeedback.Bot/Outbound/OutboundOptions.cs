using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Outbound;

/// <summary>The outbound queue: <c>Outbound:*</c>. Per-channel send limits come from each channel adapter.</summary>
public sealed class OutboundOptions
{
    public const string SectionName = "Outbound";

    /// <summary>Conversations are spread over this many senders; one conversation's messages always go out in order on one.</summary>
    public int Workers { get; set; } = 64;

    /// <summary>Messages each sender holds before enqueuing waits.</summary>
    public int QueueCapacity { get; set; } = 4096;

    /// <summary>Tries per message for retryable failures (throttling, transient faults) before it is given up.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The first backoff when the channel gives no Retry-After; doubles per try, with jitter.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between tries, Retry-After included.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(2);
}

internal sealed class OutboundOptionsValidator : IValidateOptions<OutboundOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboundOptions options)
    {
        var failures = new List<string>();
        if (options.Workers is < 1 or > 4096)
        {
            failures.Add($"{OutboundOptions.SectionName}:Workers must be between 1 and 4096 (was {options.Workers}).");
        }

        if (options.QueueCapacity < 1)
        {
            failures.Add($"{OutboundOptions.SectionName}:QueueCapacity must be at least 1 (was {options.QueueCapacity}).");
        }

        if (options.MaxAttempts is < 1 or > 100)
        {
            failures.Add($"{OutboundOptions.SectionName}:MaxAttempts must be between 1 and 100 (was {options.MaxAttempts}).");
        }

        if (options.InitialBackoff <= TimeSpan.Zero || options.MaxBackoff < options.InitialBackoff)
        {
            failures.Add($"{OutboundOptions.SectionName}:InitialBackoff must be positive and {OutboundOptions.SectionName}:MaxBackoff at least as long.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
