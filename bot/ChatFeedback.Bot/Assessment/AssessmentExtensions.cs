using ChatFeedback.Bot.Effects;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Assessment;

public static class AssessmentExtensions
{
    /// <summary>The HttpClient name of the language model's calls.</summary>
    public const string ModelClient = "llm";

    /// <summary>
    /// Severity assessment: every case a turn opens is graded in the background by the rules (and the model when
    /// <c>Llm:*</c> is set and enabled), routed to the tier its grade asks for, and its decision recorded.
    /// </summary>
    public static IHostApplicationBuilder AddAssessment(this IHostApplicationBuilder builder)
    {
        var services = AddAssessmentRules(builder);
        services.AddSingleton<CaseAssessor>();
        services.AddSingleton<AssessmentQueue>();
        services.AddSingleton<IAssessmentQueue>(sp => sp.GetRequiredService<AssessmentQueue>());
        services.AddHostedService<AssessmentStartup>();
        services.AddHostedService(sp => sp.GetRequiredService<AssessmentQueue>());
        services.AddHostedService<AssessmentRepairService>();
        services.AddSingleton<IEffectHandler, AssessmentEffectHandler>();
        return builder;
    }

    /// <summary>The rules and the model with their options, without the records: what <c>triage</c> needs.</summary>
    internal static IServiceCollection AddAssessmentRules(IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AssessmentOptions>().BindConfiguration(AssessmentOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AssessmentOptions>, AssessmentOptionsValidator>();
        services.AddOptions<LlmOptions>().BindConfiguration(LlmOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LlmOptions>, LlmOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        // The pipeline in LlmAssessor bounds every call; the client's own timeout would cut it short or outlive it.
        services.AddHttpClient(ModelClient, client => client.Timeout = Timeout.InfiniteTimeSpan).RemoveAllLoggers();
        services.AddSingleton<AssessmentRulesSource>();
        services.AddSingleton<ModelAssessorSource>();
        return services;
    }
}

/// <summary>The model's assessor when <c>Llm:*</c> is configured and enabled, built once; null = rules only.</summary>
public sealed class ModelAssessorSource(IOptions<LlmOptions> options, AssessmentRulesSource rules, IHttpClientFactory clients, TimeProvider timeProvider, ILogger<LlmAssessor> logger)
{
    private readonly Lazy<LlmAssessor?> _assessor = new(() => options.Value.IsActive
        ? new LlmAssessor(options, LlmPrompt.Load(rules.Directory), clients.CreateClient(AssessmentExtensions.ModelClient), timeProvider, logger)
        : null);

    public LlmAssessor? Assessor => _assessor.Value;
}

/// <summary>Loads the rules (and the prompt, when the model is on) while the host starts: invalid files stop the start.</summary>
internal sealed partial class AssessmentStartup(AssessmentRulesSource rules, ModelAssessorSource models, IOptions<LlmOptions> llm, ILogger<AssessmentStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            _ = rules.Assessor;
            var model = models.Assessor;
            Loaded(rules.Directory, rules.Assessor.Rules.Version, model?.Model ?? "(none)", model?.PromptVersion ?? "-", llm.Value.Enabled);
        }
        catch (InvalidOperationException ex)
        {
            Invalid(ex);
            throw;
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "Assessment rules {Version} loaded from {RulesPath}; language model {Model}, prompt {PromptVersion} (Llm:Enabled = {Enabled})")]
    private partial void Loaded(string rulesPath, string version, string model, string promptVersion, bool enabled);

    [LoggerMessage(LogLevel.Critical, "The assessment rules or prompt are invalid; the service cannot start")]
    private partial void Invalid(Exception exception);
}
