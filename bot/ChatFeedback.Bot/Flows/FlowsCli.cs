using System.Globalization;
using ChatFeedback.Bot.Cli;
using ChatFeedback.Dialogs;

namespace ChatFeedback.Bot.Flows;

/// <summary>
/// <c>flows validate|simulate|test</c>: the product team's tools for flow files, run as
/// <c>dotnet run --project bot/ChatFeedback.Bot -- flows ...</c>. Input and output are injected so tests can drive it.
/// </summary>
public sealed class FlowsCli(TextReader input, TextWriter output, TextWriter error, TimeProvider timeProvider)
{
    public const string CommandName = "flows";

    private const int Ok = 0;
    private const int Failed = 1;
    private const int Usage = 2;

    private const string UsageText = """
        usage:
          flows validate [dir]                                   check every flow file, and the severity rules in the
                                                                 assessment folder beside it (exit 0 = valid)
          flows simulate <flowId> [--locale <locale>] [--dir <dir>]  chat with a flow in the console
          flows test [dir]                                       run every *.test.yaml transcript
        dir is from the current directory; without one, dialogs/flows here or in a folder above, else the flows/
        folder next to the executable.
        """;

    /// <summary>The <c>flows</c> command of the executable, on the console.</summary>
    public static CliVerb Verb { get; } = new(
        CommandName,
        "validate, simulate and test flow files (flows help)",
        args => new FlowsCli(Console.In, Console.Out, Console.Error, TimeProvider.System) { EchoInput = Console.IsInputRedirected }.Run(args));

    /// <summary>Writes each input line after the prompt, so a transcript piped in (not typed) reads like a chat.</summary>
    public bool EchoInput { get; init; }

    /// <summary>True when the process was started as the flows CLI rather than the web host.</summary>
    public static bool IsCommand(IReadOnlyList<string> args) =>
        args.Count > 0 && string.Equals(args[0], CommandName, StringComparison.OrdinalIgnoreCase);

    /// <summary>Runs <paramref name="args"/> (starting with <c>flows</c>) and returns the process exit code.</summary>
    public int Run(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var rest = IsCommand(args) ? args.Skip(1).ToList() : args.ToList();
        if (rest.Count == 0)
        {
            error.WriteLine(UsageText);
            return Usage;
        }

        return rest[0].ToLowerInvariant() switch
        {
            "validate" when rest.Count <= 2 => Validate(rest.ElementAtOrDefault(1)),
            "test" when rest.Count <= 2 => Test(rest.ElementAtOrDefault(1)),
            "simulate" => Simulate(rest.Skip(1).ToList()),
            "help" or "--help" or "-h" => WriteUsage(Ok),
            _ => WriteUsage(Usage),
        };
    }

    private int WriteUsage(int exitCode)
    {
        (exitCode == Ok ? output : error).WriteLine(UsageText);
        return exitCode;
    }

    private int Validate(string? dir)
    {
        if (!TryLoad(dir, out var catalog, out var directory))
        {
            return Failed;
        }

        var flows = catalog.All.OrderBy(f => f.Id, StringComparer.Ordinal).ThenBy(f => f.Version).ToList();
        output.WriteLine($"{flows.Count} flows valid in {directory}");
        foreach (var flow in flows)
        {
            output.WriteLine($"  {flow.Id} v{flow.Version}");
        }

        return ValidateAssessment(directory, explicitFolder: dir is not null) ? Ok : Failed;
    }

    /// <summary>
    /// The severity rules live next to the flows (<c>dialogs/assessment</c> beside <c>dialogs/flows</c>) and are edited by
    /// the same people, so <c>flows validate</c> checks them too: the rules, the lexicons and the model's prompt and
    /// schema, errors with file:line. A flow folder of one's own without an <c>assessment</c> folder beside it is fine.
    /// </summary>
    private bool ValidateAssessment(string flowsDirectory, bool explicitFolder)
    {
        var beside = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.TrimEndingDirectorySeparator(flowsDirectory)) ?? ".", "assessment");
        var folder = Directory.Exists(beside) ? beside
            : explicitFolder ? null
            : FlowDirectory.Resolve(Assessment.AssessmentOptions.DefaultRulesPath, Assessment.AssessmentOptions.DefaultRulesPath);
        if (folder is null)
        {
            return true;
        }

        var loaded = ChatFeedback.Assessment.AssessmentRulesLoader.LoadDirectory(folder);
        foreach (var problem in loaded.Errors)
        {
            output.WriteLine(problem.ToString());
        }

        string? promptProblem = null;
        string? promptVersion = null;
        try
        {
            promptVersion = Assessment.LlmPrompt.Load(folder).Version;
        }
        catch (InvalidOperationException ex)
        {
            promptProblem = ex.Message;
            output.WriteLine(promptProblem);
        }

        if (!loaded.Succeeded || promptProblem is not null)
        {
            output.WriteLine($"{loaded.Errors.Count + (promptProblem is null ? 0 : 1)} error(s) in {folder}");
            return false;
        }

        var rules = loaded.Rules!;
        output.WriteLine($"assessment rules {rules.Version} valid in {folder} ({string.Join(", ", rules.Lexicons.Select(l => l.Locale))}; prompt {promptVersion})");
        return true;
    }

    private int Test(string? dir)
    {
        if (!TryLoad(dir, out var catalog, out var directory))
        {
            return Failed;
        }

        var loaded = TranscriptLoader.LoadDirectory(directory);
        foreach (var problem in loaded.Errors)
        {
            output.WriteLine(problem.ToString());
        }

        int passed = 0, failed = 0;
        foreach (var transcript in loaded.Transcripts)
        {
            var result = TranscriptRunner.Run(catalog, transcript);
            if (result.Passed)
            {
                passed++;
                output.WriteLine($"PASS {transcript}");
                continue;
            }

            failed++;
            output.WriteLine($"FAIL {transcript}");
            foreach (var failure in result.Failures)
            {
                output.WriteLine($"    {failure}");
            }
        }

        output.WriteLine($"{passed} passed, {failed} failed, {loaded.Errors.Count} transcript file error(s)");
        return failed == 0 && loaded.Errors.Count == 0 ? Ok : Failed;
    }

    private int Simulate(List<string> args)
    {
        string? flowId = null, locale = null, dir = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--locale" when i + 1 < args.Count:
                    locale = args[++i];
                    break;
                case "--dir" when i + 1 < args.Count:
                    dir = args[++i];
                    break;
                case var value when flowId is null && !value.StartsWith("--", StringComparison.Ordinal):
                    flowId = value;
                    break;
                default:
                    return WriteUsage(Usage);
            }
        }

        if (flowId is null)
        {
            return WriteUsage(Usage);
        }

        if (!TryLoad(dir, out var catalog, out _))
        {
            return Failed;
        }

        if (catalog.FindLatest(flowId) is null)
        {
            error.WriteLine($"No flow '{flowId}'. Flows: {string.Join(", ", catalog.Latest.Select(f => f.Id))}");
            return Failed;
        }

        var engine = new DialogEngine(catalog);
        var state = engine.NewState(locale);
        output.WriteLine($"Simulating {flowId} in {state.Locale}. Type an answer, a button's number, or /quit.");
        var turn = engine.Advance(state, DialogInput.Start(flowId), timeProvider.GetUtcNow());
        var prompt = Print(turn);
        while (!(turn.State.IsIdle && turn.Effects.OfType<FlowEnded>().Any()))
        {
            output.Write("> ");
            var line = input.ReadLine();
            if (EchoInput && line is not null)
            {
                output.WriteLine(line);
            }

            if (line is null || string.Equals(line.Trim(), "/quit", StringComparison.OrdinalIgnoreCase))
            {
                output.WriteLine();
                return Ok;
            }

            var answer = line.Trim();
            var dialogInput = prompt is not null
                && int.TryParse(answer, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                && number >= 1 && number <= prompt.Options.Count
                    ? DialogInput.Pressed(prompt.StepId, prompt.Options[number - 1].Value)
                    : DialogInput.Typed(answer);
            turn = engine.Advance(turn.State, dialogInput, timeProvider.GetUtcNow());
            prompt = Print(turn) ?? prompt;
        }

        output.WriteLine("(conversation ended)");
        return Ok;
    }

    /// <summary>Prints a turn and returns the question it asks, if any.</summary>
    private Prompt? Print(DialogTurn turn)
    {
        Prompt? asked = null;
        foreach (var reply in turn.Replies)
        {
            output.WriteLine(reply.Text);
            if (reply.Prompt is { } prompt)
            {
                asked = prompt;
                for (var i = 0; i < prompt.Options.Count; i++)
                {
                    output.WriteLine($"  [{i + 1}] {prompt.Options[i].Label}");
                }
            }
        }

        foreach (var effect in turn.Effects)
        {
            output.WriteLine($"  -> effect {EffectText.Format(effect)}");
        }

        return asked;
    }

    private bool TryLoad(string? dir, out FlowCatalog catalog, out string directory)
    {
        catalog = null!;
        if (dir is not null)
        {
            // Typed by the person running the tool: from their working directory, and only there.
            if (!UserPaths.TryFindDirectory(dir, "flow folder", out directory, out var problem))
            {
                error.WriteLine(problem);
                return false;
            }
        }
        else if (FlowDirectory.Resolve(FlowsOptions.DefaultPath) is { } found)
        {
            directory = found;
        }
        else
        {
            directory = FlowsOptions.DefaultPath;
            error.WriteLine(UserPaths.NotFound("flow folder", FlowsOptions.DefaultPath, FlowDirectory.Candidates(FlowsOptions.DefaultPath)));
            return false;
        }

        var result = FlowLoader.LoadDirectory(directory);
        if (result.Succeeded)
        {
            catalog = result.Catalog!;
            return true;
        }

        foreach (var problem in result.Errors)
        {
            output.WriteLine(problem.ToString());
        }

        output.WriteLine($"{result.Errors.Count} error(s) in {directory}");
        return false;
    }
}

/// <summary>One-line, human-readable effects for the CLI: <c>OpenCase category=detractor severity=Moderate</c>.</summary>
public static class EffectText
{
    public static string Format(DialogEffect effect) => effect switch
    {
        AnswerRecorded a => $"AnswerRecorded step={a.StepId} value={a.Value}",
        AnswerSkipped s => $"AnswerSkipped step={s.StepId} reason={s.Reason}",
        OpenCase c => $"OpenCase category={c.Category} severity={c.Severity}",
        RequestHandoff h => $"RequestHandoff reason={h.Reason}",
        ScheduleFollowUp f => $"ScheduleFollowUp flow={f.FlowId} after={Duration(f.After)}",
        AddTag t => $"AddTag tag={t.Tag}",
        OptOut => "OptOut",
        FlowStarted s => $"FlowStarted flow={s.FlowId} version={s.FlowVersion}",
        FlowEnded e => $"FlowEnded flow={e.FlowId} version={e.FlowVersion} reason={e.Reason}",
        _ => effect.GetType().Name,
    };

    /// <summary>The flow-file spelling of a duration: 30m, 48h (follow-ups are at most 72h, so hours read best).</summary>
    public static string Duration(TimeSpan value) =>
        value.Ticks % TimeSpan.TicksPerHour == 0 ? $"{(int)value.TotalHours}h"
        : value.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{(int)value.TotalMinutes}m"
        : value.ToString("c", CultureInfo.InvariantCulture);
}
