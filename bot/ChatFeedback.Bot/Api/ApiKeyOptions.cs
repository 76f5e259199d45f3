using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Api;

/// <summary>Keys that shops and back-office systems present to the service's API: <c>Api:Keys</c>.</summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "Api";

    /// <summary>Accepted keys (several, so one can be rotated while the other is in use). Empty: the API refuses every call.</summary>
    public IList<string> Keys { get; } = [];
}

internal sealed class ApiKeyOptionsValidator : IValidateOptions<ApiKeyOptions>
{
    public const int MinimumLength = 24;

    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        var weak = options.Keys.Select((key, index) => (key, index)).Where(k => (k.key?.Trim().Length ?? 0) < MinimumLength).ToList();
        return weak.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(weak.Select(k => $"{ApiKeyOptions.SectionName}:Keys:{k.index} must be at least {MinimumLength} characters (use a random secret)."));
    }
}
