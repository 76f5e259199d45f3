using Microsoft.Extensions.Options;

namespace ChatFeedback.Adapters.WebChat;

/// <summary>Settings of the web chat channel, bound from the <c>WebChat</c> section.</summary>
public sealed class WebChatOptions
{
    public const string SectionName = "WebChat";

    /// <summary>
    /// Key for the conversation tokens (HMAC-SHA256), at least 32 characters. Empty = a random key per process,
    /// so conversations do not survive a restart and several instances cannot share them.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>Longest text a customer may send in one message, in UTF-16 characters.</summary>
    public int MaxTextLength { get; set; } = 4000;

    /// <summary>Largest request body accepted, in bytes; bigger bodies get 413.</summary>
    public int MaxRequestBodyBytes { get; set; } = 32 * 1024;

    /// <summary>Outbound messages kept per conversation; older ones are dropped first.</summary>
    public int MaxMessagesPerConversation { get; set; } = 200;

    /// <summary>Conversations held at once; new ones are refused with 503 beyond this.</summary>
    public int MaxConversations { get; set; } = 100_000;

    /// <summary>A conversation with no message either way for this long is forgotten.</summary>
    public TimeSpan ConversationIdleTimeout { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>Checks <see cref="WebChatOptions"/> at start-up; every message names the configuration key.</summary>
public sealed class WebChatOptionsValidator : IValidateOptions<WebChatOptions>
{
    /// <summary>The longest client message id; ids are echoed and used for dedupe, so they stay short.</summary>
    public const int MaxMessageIdLength = 128;

    public ValidateOptionsResult Validate(string? name, WebChatOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string Section = WebChatOptions.SectionName;

        if (!string.IsNullOrEmpty(options.SigningKey) && options.SigningKey.Length < 32)
        {
            failures.Add($"{Section}:SigningKey must be at least 32 characters long (or empty for a random per-process key).");
        }

        if (options.MaxTextLength is < 1 or > 100_000)
        {
            failures.Add($"{Section}:MaxTextLength must be between 1 and 100000 (was {options.MaxTextLength}).");
        }

        if (options.MaxRequestBodyBytes is < 1024 or > 10 * 1024 * 1024)
        {
            failures.Add($"{Section}:MaxRequestBodyBytes must be between 1024 and 10485760 (was {options.MaxRequestBodyBytes}).");
        }
        else if (options.MaxRequestBodyBytes < options.MaxTextLength)
        {
            failures.Add($"{Section}:MaxRequestBodyBytes ({options.MaxRequestBodyBytes}) must be at least {Section}:MaxTextLength ({options.MaxTextLength}), or no text of the allowed length fits.");
        }

        if (options.MaxMessagesPerConversation is < 1 or > 10_000)
        {
            failures.Add($"{Section}:MaxMessagesPerConversation must be between 1 and 10000 (was {options.MaxMessagesPerConversation}).");
        }

        if (options.MaxConversations < 1)
        {
            failures.Add($"{Section}:MaxConversations must be at least 1 (was {options.MaxConversations}).");
        }

        if (options.ConversationIdleTimeout < TimeSpan.FromMinutes(1))
        {
            failures.Add($"{Section}:ConversationIdleTimeout must be at least 00:01:00 (was {options.ConversationIdleTimeout}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
