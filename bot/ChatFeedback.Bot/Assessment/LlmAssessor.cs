using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFeedback.Assessment;
using ChatFeedback.Text;
using Json.Schema;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using OpenAI;
using OpenAI.Chat;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace ChatFeedback.Bot.Assessment;

/// <summary>What asking the model gave: a verdict that passed the schema, or why there is none; and what was noticed.</summary>
/// <param name="Notes">Things corrected or ignored in a usable reply (extra fields, a rationale in the wrong language).</param>
public sealed record ModelAttempt(ModelVerdict? Verdict, string? FailureReason, TimeSpan Latency, IReadOnlyList<string> Notes)
{
    public bool Succeeded => Verdict is not null;
}

/// <summary>
/// Asks an OpenAI-compatible chat-completions server, through Semantic Kernel, to grade a complaint: temperature 0,
/// structured output with the verdict's JSON schema, contact details masked before the text leaves. The whole call,
/// retries included, is bounded by <see cref="LlmOptions.Timeout"/>; 429s, 5xx and network errors are retried with
/// jittered back-off inside that budget, and a circuit breaker stops calling a server that keeps failing. Nothing here
/// throws for the model's sake: every failure is a <see cref="ModelAttempt"/> with a reason, and the rules stand.
/// </summary>
public sealed partial class LlmAssessor
{
    private static readonly JsonSerializerOptions RequestJson = new(JsonSerializerDefaults.Web);

    private readonly IChatCompletionService _chat;
    private readonly LlmPrompt _prompt;
    private readonly ResiliencePipeline _pipeline;
    private readonly TimeProvider _time;
    private readonly ILogger<LlmAssessor> _logger;
    private readonly OpenAIPromptExecutionSettings _settings;

    public LlmAssessor(IOptions<LlmOptions> options, LlmPrompt prompt, HttpClient httpClient, TimeProvider timeProvider, ILogger<LlmAssessor> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(prompt);
        var llm = options.Value;
        _prompt = prompt;
        _time = timeProvider;
        _logger = logger;
        Model = llm.Model ?? "";

        // The pipeline below owns retries and time: the OpenAI client's own retry policy and timeout are off.
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = new Uri(llm.Endpoint ?? throw new InvalidOperationException($"{LlmOptions.SectionName}:Endpoint is not set.")),
            RetryPolicy = new ClientRetryPolicy(0),
            NetworkTimeout = System.Threading.Timeout.InfiniteTimeSpan,
            Transport = new HttpClientPipelineTransport(httpClient),
        };

        // Local servers (vLLM, Ollama) take no key; the client insists on one, which they ignore.
        var client = new OpenAIClient(new ApiKeyCredential(string.IsNullOrWhiteSpace(llm.ApiKey) ? "no-key" : llm.ApiKey), clientOptions);
        _chat = new OpenAIChatCompletionService(Model, client);
        _settings = new OpenAIPromptExecutionSettings
        {
            Temperature = 0,
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("complaint_verdict", BinaryData.FromString(prompt.SchemaText), jsonSchemaIsStrict: true),
        };
        _pipeline = BuildPipeline(llm, timeProvider);
    }

    public string Model { get; }

    public string PromptVersion => _prompt.Version;

    /// <summary>Asks the model about <paramref name="input"/>; never throws but for the caller's own cancellation.</summary>
    public async Task<ModelAttempt> AssessAsync(AssessmentInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var history = new ChatHistory(_prompt.SystemMessage);
        history.AddUserMessage(UserMessage(input));
        var started = _time.GetTimestamp();
        string? content;
        try
        {
            var reply = await _pipeline.ExecuteAsync(
                async ct => await _chat.GetChatMessageContentAsync(history, _settings, kernel: null, ct),
                cancellationToken);
            if (reply.InnerContent is ChatCompletion { Refusal: { Length: > 0 } })
            {
                return Failed("refused", started);
            }

            content = reply.Content;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (TimeoutRejectedException)
        {
            return Failed("timeout", started);
        }
        catch (BrokenCircuitException)
        {
            return Failed("circuit-open", started);
        }
        catch (HttpOperationException ex)
        {
            CallFailed(ex, ex.StatusCode);
            return Failed(ex.StatusCode is { } status ? $"http-{(int)status}" : "network-error", started);
        }
        catch (Exception ex) when (ex is HttpRequestException or ClientResultException or KernelException or IOException)
        {
            CallFailed(ex, null);
            return Failed("error", started);
        }

        var latency = _time.GetElapsedTime(started);
        return Parse(content, input.Locale, latency);
    }

    /// <summary>The reply's text as a verdict: schema-checked after unknown fields are set aside; the rationale's language checked.</summary>
    internal ModelAttempt Parse(string? content, string locale, TimeSpan latency)
    {
        var notes = new List<string>();
        if (string.IsNullOrWhiteSpace(content))
        {
            return new ModelAttempt(null, "empty-reply", latency, notes);
        }

        JsonObject reply;
        try
        {
            if (JsonNode.Parse(content) is not JsonObject parsed)
            {
                return new ModelAttempt(null, "invalid-json: not an object", latency, notes);
            }

            reply = parsed;
        }
        catch (JsonException ex)
        {
            return new ModelAttempt(null, $"invalid-json: {Shorten(ex.Message)}", latency, notes);
        }

        var extra = reply.Select(p => p.Key).Where(k => !_prompt.Properties.Contains(k)).ToList();
        foreach (var name in extra)
        {
            reply.Remove(name);
        }

        if (extra.Count > 0)
        {
            notes.Add($"ignored extra fields: {string.Join(", ", extra)}");
        }

        var evaluation = _prompt.Schema.Evaluate(JsonSerializer.SerializeToElement(reply), new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!evaluation.IsValid)
        {
            var first = (evaluation.Details ?? []).FirstOrDefault(d => d.Errors is { Count: > 0 }) ?? evaluation;
            var where = first?.InstanceLocation.ToString() is { Length: > 0 } location ? location : "/";
            var what = first?.Errors?.Values.FirstOrDefault() ?? "does not match the schema";
            return new ModelAttempt(null, $"schema-violation at {where}: {Shorten(what)}", latency, notes);
        }

        var rationale = reply["rationale"]!.GetValue<string>().Trim();
        if (!InLanguage(rationale, locale))
        {
            notes.Add($"rationale not in {locale}");
            rationale = "";
        }
        else if (rationale.Length > 400)
        {
            rationale = rationale[..400];
        }

        var verdict = new ModelVerdict(
            Enum.Parse<Severity>(reply["severity"]!.GetValue<string>(), ignoreCase: true),
            Enum.Parse<Scope>(reply["scope"]!.GetValue<string>(), ignoreCase: true),
            reply["category"]!.GetValue<string>(),
            reply["themes"]!.AsArray().Select(t => t!.GetValue<string>()).Distinct(StringComparer.Ordinal).ToList(),
            reply["sentiment"]!.GetValue<double>(),
            reply["flags"]!.AsArray().Select(f => f!.GetValue<string>()).Aggregate(Signals.None, (all, f) => all | Enum.Parse<Signals>(f, ignoreCase: true)),
            rationale,
            reply["confidence"]!.GetValue<double>());
        return new ModelAttempt(verdict, null, latency, notes);
    }

    /// <summary>The customer's side as JSON: masked text and answers, and the context a grader needs (no identities).</summary>
    private static string UserMessage(AssessmentInput input) => JsonSerializer.Serialize(
        new
        {
            locale = input.Locale,
            complaint = ContactMasker.Mask(input.Text),
            flowCategory = input.Category,
            answers = input.Answers.Select(a => new { question = a.StepId, answer = ContactMasker.Mask(a.Value), score = a.Score, metric = a.Metric }),
            customer = new { vip = input.Customer.IsVip, channel = input.Customer.Channel, casesLast30Days = input.Customer.CasesLast30Days, hasPurchase = input.Customer.HasPurchase },
        },
        RequestJson);

    /// <summary>A zh-CN rationale must contain Chinese; an English one must be mostly not Chinese.</summary>
    private static bool InLanguage(string text, string locale)
    {
        var han = text.Count(c => c is >= '\u4e00' and <= '\u9fff');
        return locale.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? han > 0 : han * 2 < Math.Max(1, text.Length);
    }

    private static string Shorten(string message) => message.Length <= 200 ? message : message[..200];

    private ModelAttempt Failed(string reason, long started)
    {
        Fallback(reason);
        return new ModelAttempt(null, reason, _time.GetElapsedTime(started), []);
    }

    private static ResiliencePipeline BuildPipeline(LlmOptions options, TimeProvider timeProvider)
    {
        static bool Transient(Exception ex) => ex switch
        {
            HttpOperationException { StatusCode: null } => true,
            HttpOperationException { StatusCode: { } status } => status == HttpStatusCode.TooManyRequests || (int)status >= 500,
            HttpRequestException or IOException => true,
            _ => false,
        };

        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider }.AddTimeout(options.Timeout);
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(Transient),
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
            });
        }

        return builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                // A slow server counts as failing too: its calls end in the outer timeout's cancellation.
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => Transient(ex) || ex is OperationCanceledException),
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumCalls,
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakerBreakDuration,
            })
            .Build();
    }

    [LoggerMessage(LogLevel.Debug, "Language model call failed (status {StatusCode})")]
    private partial void CallFailed(Exception exception, HttpStatusCode? statusCode);

    [LoggerMessage(LogLevel.Debug, "Language model gave no usable verdict ({Reason}); the rules stand")]
    private partial void Fallback(string reason);
}
