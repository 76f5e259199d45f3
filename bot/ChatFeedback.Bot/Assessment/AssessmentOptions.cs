using ChatFeedback.Bot.Flows;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Assessment;

/// <summary>How complaints are graded: <c>Assessment:*</c>. The rules always run; a language model joins when <c>Llm:*</c> says so.</summary>
public sealed class AssessmentOptions
{
    public const string SectionName = "Assessment";

    public const string DefaultRulesPath = "dialogs/assessment";

    /// <summary>The folder of rules and lexicon files (found like <c>Flows:Path</c>).</summary>
    public string RulesPath { get; set; } = DefaultRulesPath;

    /// <summary>The sliding window in which similar cases count as evidence of a wider scope.</summary>
    public TimeSpan SimilarWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Distinct customers with similar cases in the window (this one included) that make the scope a group.</summary>
    public int GroupThreshold { get; set; } = 3;

    /// <summary>Distinct customers with similar cases in the window (this one included) that make the scope widespread.</summary>
    public int WidespreadThreshold { get; set; } = 10;

    /// <summary>A VIP customer's case must get a first response this soon after it opened.</summary>
    public TimeSpan VipRespondWithin { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Assessments waiting to run on this instance; past it a new one waits for room (the turn never does).</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Assessments run at once (each mostly waits on the database or the model).</summary>
    public int MaxConcurrency { get; set; } = 64;

    /// <summary>How often cases left without an assessment (a crash, a full queue) are looked for and assessed.</summary>
    public TimeSpan RepairInterval { get; set; } = TimeSpan.FromMinutes(1);
}

internal sealed class AssessmentOptionsValidator : IValidateOptions<AssessmentOptions>
{
    public ValidateOptionsResult Validate(string? name, AssessmentOptions options)
    {
        var errors = new List<string>();
        var s = AssessmentOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.RulesPath))
        {
            errors.Add($"{s}:RulesPath must name the folder of assessment rules (default '{AssessmentOptions.DefaultRulesPath}').");
        }
        else if (FlowDirectory.Resolve(options.RulesPath, AssessmentOptions.DefaultRulesPath) is null)
        {
            errors.Add($"{s}:RulesPath: the folder '{options.RulesPath}' does not exist (looked in {string.Join(", ", FlowDirectory.Candidates(options.RulesPath, AssessmentOptions.DefaultRulesPath))}).");
        }

        if (options.SimilarWindow <= TimeSpan.Zero || options.SimilarWindow > TimeSpan.FromDays(90))
        {
            errors.Add($"{s}:SimilarWindow must be a positive duration of at most 90 days, such as 1.00:00:00 (was {options.SimilarWindow}).");
        }

        if (options.GroupThreshold < 2)
        {
            errors.Add($"{s}:GroupThreshold must be at least 2 customers (was {options.GroupThreshold}).");
        }

        if (options.WidespreadThreshold <= options.GroupThreshold)
        {
            errors.Add($"{s}:WidespreadThreshold must be greater than {s}:GroupThreshold (was {options.WidespreadThreshold}, group {options.GroupThreshold}).");
        }

        if (options.VipRespondWithin <= TimeSpan.Zero)
        {
            errors.Add($"{s}:VipRespondWithin must be a positive duration such as 00:15:00 (was {options.VipRespondWithin}).");
        }

        if (options.QueueCapacity < 1)
        {
            errors.Add($"{s}:QueueCapacity must be at least 1 (was {options.QueueCapacity}).");
        }

        if (options.MaxConcurrency is < 1 or > 1024)
        {
            errors.Add($"{s}:MaxConcurrency must be between 1 and 1024 (was {options.MaxConcurrency}).");
        }

        if (options.RepairInterval < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{s}:RepairInterval must be at least 00:00:01 (was {options.RepairInterval}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>
/// The language model: <c>Llm:*</c>. Any OpenAI-compatible chat-completions server (OpenAI, Azure OpenAI's v1 API, vLLM,
/// Ollama). Empty endpoint or model = rules only; the customer's text is sent only when <see cref="Enabled"/> is true.
/// </summary>
public sealed class LlmOptions
{
    public const string SectionName = "Llm";

    /// <summary>The server's base address including its version path (e.g. <c>https://api.openai.com/v1</c>, <c>http://localhost:11434/v1</c>).</summary>
    public string? Endpoint { get; set; }

    /// <summary>Sent as a bearer token; empty for servers that need none (a local vLLM or Ollama).</summary>
    public string? ApiKey { get; set; }

    public string? Model { get; set; }

    /// <summary>The customer's (masked) words leave the service only when this is true.</summary>
    public bool Enabled { get; set; }

    /// <summary>The whole budget of one assessment's model call, retries included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Retries of a 429 or 5xx within <see cref="Timeout"/>, with jittered back-off.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>The first retry's delay (then doubled, with jitter).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Failed calls in a row, out of at least this many in <see cref="BreakerSamplingDuration"/>, that open the breaker.</summary>
    public int BreakerMinimumCalls { get; set; } = 5;

    /// <summary>The share of failed calls (0..1) over the sampling duration that opens the breaker.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open breaker sends every assessment straight to the rules before it tries the model again.</summary>
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>True when the model may be asked: configured and enabled.</summary>
    public bool IsActive => Enabled && !string.IsNullOrWhiteSpace(Endpoint) && !string.IsNullOrWhiteSpace(Model);
}

internal sealed class LlmOptionsValidator : IValidateOptions<LlmOptions>
{
    public ValidateOptionsResult Validate(string? name, LlmOptions options)
    {
        var errors = new List<string>();
        var s = LlmOptions.SectionName;
        if (!string.IsNullOrWhiteSpace(options.Endpoint)
            && (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https")))
        {
            errors.Add($"{s}:Endpoint must be an absolute http(s) URL such as https://api.openai.com/v1 (was '{options.Endpoint}').");
        }

        if (options.Enabled && string.IsNullOrWhiteSpace(options.Endpoint))
        {
            errors.Add($"{s}:Enabled is true but {s}:Endpoint is empty.");
        }

        if (options.Enabled && string.IsNullOrWhiteSpace(options.Model))
        {
            errors.Add($"{s}:Enabled is true but {s}:Model is empty.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(2))
        {
            errors.Add($"{s}:Timeout must be a positive duration of at most 2 minutes, such as 00:00:03 (was {options.Timeout}).");
        }

        if (options.MaxRetries is < 0 or > 10)
        {
            errors.Add($"{s}:MaxRetries must be between 0 and 10 (was {options.MaxRetries}).");
        }

        if (options.RetryDelay <= TimeSpan.Zero)
        {
            errors.Add($"{s}:RetryDelay must be a positive duration such as 00:00:00.2 (was {options.RetryDelay}).");
        }

        if (options.BreakerMinimumCalls < 2)
        {
            errors.Add($"{s}:BreakerMinimumCalls must be at least 2 (was {options.BreakerMinimumCalls}).");
        }

        if (options.BreakerFailureRatio is <= 0 or > 1)
        {
            errors.Add($"{s}:BreakerFailureRatio must be above 0 and at most 1 (was {options.BreakerFailureRatio}).");
        }

        if (options.BreakerSamplingDuration < TimeSpan.FromMilliseconds(500))
        {
            errors.Add($"{s}:BreakerSamplingDuration must be at least 00:00:00.5 (was {options.BreakerSamplingDuration}).");
        }

        if (options.BreakerBreakDuration < TimeSpan.FromMilliseconds(500))
        {
            errors.Add($"{s}:BreakerBreakDuration must be at least 00:00:00.5 (was {options.BreakerBreakDuration}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
