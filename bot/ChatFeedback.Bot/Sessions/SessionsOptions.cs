using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Sessions;

/// <summary>Conversation sessions and message dedupe: <c>Sessions:*</c>.</summary>
public sealed class SessionsOptions
{
    public const string SectionName = "Sessions";

    /// <summary>A session untouched for this long is forgotten (the conversation starts afresh).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long a channel message id is remembered to drop redeliveries.</summary>
    public TimeSpan DedupeWindow { get; set; } = TimeSpan.FromHours(24);
}

internal sealed class SessionsOptionsValidator : IValidateOptions<SessionsOptions>
{
    public ValidateOptionsResult Validate(string? name, SessionsOptions options)
    {
        var failures = new List<string>();
        if (options.IdleTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{SessionsOptions.SectionName}:IdleTimeout must be a positive duration such as 30.00:00:00 (was {options.IdleTimeout}).");
        }

        if (options.DedupeWindow <= TimeSpan.Zero)
        {
            failures.Add($"{SessionsOptions.SectionName}:DedupeWindow must be a positive duration such as 1.00:00:00 (was {options.DedupeWindow}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
