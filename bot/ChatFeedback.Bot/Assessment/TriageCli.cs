using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChatFeedback.Assessment;
using ChatFeedback.Bot.Cli;
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

    /// <summary>The <c>triage</c> command of the executable, on the console.</summary>
    public static CliVerb Verb { get; } = new(
        CommandName,
        "grade complaints with the severity rules, and the model when Llm:* is set (triage help)",
        args => new TriageCli(Console.Out, Console.Error).RunAsync(args).GetAwaiter().GetResult());

    private const int Ok = 0;
    private const int Failed = 1;
    private const int Usage = 2;

    private const string UsageText = """
        usage:
          triage assess "<text>" [--locale en|zh-CN] [--vip] [--cases-30d <n>] [--similar <customers>] [--category <id>]
                                              print the decision record for one complaint
          triage evaluate <file.csv> [--rules-only]
                                              accuracy, confusion matrix, recall of major and the disagreements over a
                                              labelled set (columns text, locale, expected_grade, optional expected_flags;
                                              see dialogs/assessment/labelled), for the rules and then the model
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
                "evaluate" => await EvaluateAsync(positional.Skip(1).ToList(), switches),
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

    private async Task<int> EvaluateAsync(List<string> args, List<string> switches)
    {
        var rulesOnly = args.Remove("--rules-only");
        if (args.Count != 1 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            return WriteUsage(Usage);
        }

        if (!UserPaths.TryFindFile(args[0], "labelled set", out var path, out var notFound))
        {
            await error.WriteLineAsync(notFound);
            return Failed;
        }

        var set = LabelledSet.ReadFile(path);
        if (!set.Succeeded)
        {
            // Every bad row, with its line: a half-read set would give figures for a different set.
            await error.WriteLineAsync(string.Join(Environment.NewLine, set.Errors));
            return Failed;
        }

        using var host = Build(switches);
        var rules = host.Services.GetRequiredService<AssessmentRulesSource>().Assessor;
        var settings = host.Services.GetRequiredService<IOptions<AssessmentOptions>>().Value;
        var thresholds = new ScopeThresholds(settings.GroupThreshold, settings.WidespreadThreshold);
        await output.WriteLineAsync(Evaluation.Run(set.Items, (input, similar) => rules.Assess(input, similar, thresholds))
            .Format($"rules {rules.Rules.Version}, {Path.GetFileName(path)}"));

        var model = rulesOnly ? null : host.Services.GetRequiredService<ModelAssessorSource>().Assessor;
        if (model is null)
        {
            return Ok;
        }

        // The model's path, as the service takes it (its floors, fallbacks and all), one complaint at a time: the set is
        // small and the server's rate limits are not this tool's to test. Evaluation walks the items in order.
        var decisions = new List<Decision>(set.Items.Count);
        foreach (var item in set.Items)
        {
            decisions.Add(await DecideAsync(rules, model, item.ToInput(), item.ToSimilarCases(), thresholds));
        }

        var next = 0;
        var report = Evaluation.Run(set.Items, (_, _) => decisions[next++]);
        var fellBack = decisions.Count(d => d.Source == AssessmentSources.RulesFallback);
        await output.WriteLineAsync(report.Format($"model {model.Model}, prompt {model.PromptVersion} ({fellBack} of {decisions.Count} fell back to the rules)"));
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
