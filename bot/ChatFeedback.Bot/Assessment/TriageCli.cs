using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChatFeedback.Assessment;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Assessment;

/// <summary>
/// <c>triage assess|evaluate</c>: the product team's tools for the severity rules, run as
/// <c>dotnet run --project bot/ChatFeedback.Bot -- triage ...</c>. They read the service's configuration
/// (<c>Assessment:*</c>, and <c>Llm:*</c> for the model), never its records.
/// </summary>
public sealed class TriageCli(TextWriter output, TextWriter error)
{
    public const string CommandName = "triage";

    public const string Summary = "triage assess \"<text>\" [--locale en|zh-CN] | triage evaluate <file.csv>   grade complaints with the severity rules (and the model when Llm:* is set)";

    private const int Ok = 0;
    private const int Failed = 1;
    private const int Usage = 2;

    private const string UsageText = """
        usage:
          triage assess "<text>" [--locale en|zh-CN] [--vip] [--cases-30d <n>] [--similar <customers>] [--category <id>]
                                              print the decision record for one complaint
          triage evaluate <file.csv>          accuracy, confusion matrix and recall of major over a labelled set
        Configuration switches (--Assessment:RulesPath=..., --Llm:Endpoint=...) may follow; the model is asked when
        Llm:Endpoint, Llm:Model and Llm:Enabled=true are set.
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static bool IsCommand(IReadOnlyList<string> args) =>
        args.Count > 0 && string.Equals(args[0], CommandName, StringComparison.OrdinalIgnoreCase);

    /// <summary>Runs <paramref name="args"/> (starting with <c>triage</c>) and returns the process exit code.</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var rest = IsCommand(args) ? args.Skip(1).ToList() : args.ToList();
        var (positional, switches) = Split(rest);
        if (positional.Count == 0)
        {
            return WriteUsage(Usage);
        }

        try
        {
            return positional[0].ToLowerInvariant() switch
            {
                "assess" => await AssessAsync(positional.Skip(1).ToList(), switches),
                "help" or "--help" or "-h" => WriteUsage(Ok),
                _ => WriteUsage(Usage),
            };
        }
        catch (InvalidOperationException ex)
        {
            // Invalid rules, prompt or options: say what and where, as the service's start would.
            await error.WriteLineAsync(ex.Message);
            return Failed;
        }
        catch (OptionsValidationException ex)
        {
            await error.WriteLineAsync(string.Join(Environment.NewLine, ex.Failures));
            return Failed;
        }
    }

    private async Task<int> AssessAsync(List<string> args, List<string> switches)
    {
        string? text = null, locale = null, category = null;
        bool vip = false;
        int cases = 0, similar = 1;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--locale" when i + 1 < args.Count:
                    locale = args[++i];
                    break;
                case "--category" when i + 1 < args.Count:
                    category = args[++i];
                    break;
                case "--vip":
                    vip = true;
                    break;
                case "--cases-30d" when i + 1 < args.Count && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n):
                    cases = n;
                    i++;
                    break;
                case "--similar" when i + 1 < args.Count && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s >= 1:
                    similar = s;
                    i++;
                    break;
                case var value when text is null && !value.StartsWith("--", StringComparison.Ordinal):
                    text = value;
                    break;
                default:
                    return WriteUsage(Usage);
            }
        }

        if (text is null)
        {
            return WriteUsage(Usage);
        }

        using var host = Build(switches);
        var rules = host.Services.GetRequiredService<AssessmentRulesSource>();
        var settings = host.Services.GetRequiredService<IOptions<AssessmentOptions>>().Value;
        var model = host.Services.GetRequiredService<ModelAssessorSource>().Assessor;
        var input = new AssessmentInput(text, locale ?? "en", [], new CustomerContext(vip, "cli", cases, HasPurchase: false), category);
        var decision = await DecideAsync(rules.Assessor, model, input, new SimilarCases(similar, similar), new ScopeThresholds(settings.GroupThreshold, settings.WidespreadThreshold));
        await output.WriteLineAsync(JsonSerializer.Serialize(
            new
            {
                decision.Scope,
                decision.Severity,
                decision.Grade,
                decision.Tier,
                decision.Category,
                decision.Themes,
                decision.Sentiment,
                Flags = CaseAssessor.FlagNames(decision.Flags).Split(',', StringSplitOptions.RemoveEmptyEntries),
                decision.Rationale,
                decision.Confidence,
                decision.Source,
                decision.Floor,
                decision.FallbackReason,
                decision.Truncated,
                Model = model?.Model,
                PromptVersion = model is null ? $"rules@{rules.Assessor.Rules.Version}" : $"{model.PromptVersion}+rules@{rules.Assessor.Rules.Version}",
                Evidence = decision.Evidence.Select(e => new { rule = e.RuleId, matched = e.Matched }),
            },
            Json));
        return Ok;
    }

    /// <summary>The rules' decision, or the model's combined with the rules when the model is on (falling back as the service does).</summary>
    internal static async Task<Decision> DecideAsync(RulesAssessor rules, LlmAssessor? model, AssessmentInput input, SimilarCases similar, ScopeThresholds thresholds)
    {
        var findings = rules.Analyze(input);
        if (model is null)
        {
            return rules.Decide(findings, similar, thresholds);
        }

        var attempt = await model.AssessAsync(input, CancellationToken.None);
        return attempt.Verdict is { } verdict
            ? rules.Combine(findings, verdict, similar, thresholds)
            : rules.Decide(findings, similar, thresholds) with { Source = AssessmentSources.RulesFallback, FallbackReason = attempt.FailureReason };
    }

    private static IHost Build(List<string> switches)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [.. switches], DisableDefaults = false });
        builder.Logging.ClearProviders();
        AssessmentExtensions.AddAssessmentRules(builder);
        return builder.Build();
    }

    /// <summary>Positional words, and <c>--Key=Value</c> configuration switches (anything with a ':' or '=' after --).</summary>
    private static (List<string> Positional, List<string> Switches) Split(List<string> args)
    {
        var positional = new List<string>();
        var switches = new List<string>();
        foreach (var arg in args)
        {
            (arg.StartsWith("--", StringComparison.Ordinal) && (arg.Contains('=', StringComparison.Ordinal) || arg.Contains(':', StringComparison.Ordinal)) ? switches : positional).Add(arg);
        }

        return (positional, switches);
    }

    private int WriteUsage(int exitCode)
    {
        (exitCode == Ok ? output : error).WriteLine(UsageText);
        return exitCode;
    }
}
