using ChatFeedback.Dialogs;

namespace ChatFeedback.Benchmarks;

/// <summary>Loads the repository's flow files and drives the post-purchase survey to a given point.</summary>
internal static class BenchmarkFlows
{
    public const string SurveyFlowId = "post-purchase-survey";

    /// <summary>Overrides where the flow files are read from; the same variable the bot reads (<c>Flows:Path</c>).</summary>
    public const string PathVariable = "Flows__Path";

    /// <summary>A fixed clock: the engine is a pure function of time, so every iteration sees the same input.</summary>
    public static readonly DateTimeOffset Now = new(2026, 1, 15, 10, 0, 0, TimeSpan.Zero);

    public static DialogEngine LoadEngine() => new(FlowLoader.LoadDirectory(FindFlowsDirectory()).GetCatalogOrThrow());

    /// <summary>The survey started in <paramref name="locale"/>, waiting on its first question.</summary>
    public static DialogTurn StartSurvey(DialogEngine engine, string locale)
    {
        var turn = engine.Advance(engine.NewState(locale), DialogInput.Start(SurveyFlowId), Now);
        if (turn.State.FlowId != SurveyFlowId || OpenPrompt(turn) is null)
        {
            throw new InvalidOperationException($"Starting '{SurveyFlowId}' did not leave a question open (outcome {turn.Outcome}).");
        }

        return turn;
    }

    /// <summary>The question the turn leaves open, if any.</summary>
    public static Prompt? OpenPrompt(DialogTurn turn) => turn.Replies.LastOrDefault(r => r.Prompt is not null)?.Prompt;

    /// <summary>
    /// Answers the survey's questions in order until <paramref name="answers"/> answers are recorded, always taking the
    /// first button (the happiest rating on a descending scale) and typing a sentence where text is asked for.
    /// </summary>
    public static DialogState AnswerSurvey(DialogEngine engine, string locale, int answers)
    {
        var turn = StartSurvey(engine, locale);
        while (turn.State.Answers.Count < answers)
        {
            var prompt = OpenPrompt(turn) ?? throw new InvalidOperationException(
                $"'{SurveyFlowId}' ended after {turn.State.Answers.Count} answers; the benchmark needs {answers}.");
            var input = prompt.Kind == PromptKind.Text || prompt.Options.Count == 0
                ? DialogInput.Typed("Delivery was quick and the box arrived intact.")
                : DialogInput.Pressed(prompt.StepId, prompt.Options[0].Value);
            turn = engine.Advance(turn.State, input, Now);
            if (turn.Outcome != TurnOutcome.Answered)
            {
                throw new InvalidOperationException($"Answering '{prompt.StepId}' gave outcome {turn.Outcome}.");
            }
        }

        if (turn.State.IsIdle)
        {
            throw new InvalidOperationException($"'{SurveyFlowId}' ended with its {answers}th answer; pick a point before the end.");
        }

        return turn.State;
    }

    /// <summary><c>Flows__Path</c> if set, else <c>dialogs/flows</c> in the folder above the binaries that holds ChatFeedback.sln.</summary>
    public static string FindFlowsDirectory()
    {
        var configured = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ChatFeedback.sln")))
            {
                return Path.Combine(dir.FullName, "dialogs", "flows");
            }
        }

        throw new DirectoryNotFoundException(
            $"No ChatFeedback.sln above {AppContext.BaseDirectory}; set {PathVariable} to the folder of flow files.");
    }
}

/// <summary>Folders of the repository the benchmarks read.</summary>
internal static class BenchmarkPaths
{
    /// <summary><c>dialogs/assessment</c> beside the flow folder the flow benchmarks use.</summary>
    public static string AssessmentDirectory() =>
        Path.Combine(Path.GetDirectoryName(BenchmarkFlows.FindFlowsDirectory().TrimEnd(Path.DirectorySeparatorChar))!, "assessment");
}
