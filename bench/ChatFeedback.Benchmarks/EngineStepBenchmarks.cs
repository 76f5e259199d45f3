using BenchmarkDotNet.Attributes;
using ChatFeedback.Dialogs;

namespace ChatFeedback.Benchmarks;

/// <summary>
/// One engine step on the post-purchase survey: the customer answers the first rating question. The state waiting on
/// that question is prepared once; each invocation measures exactly one <see cref="DialogEngine.Advance"/>.
/// Targets: at most 5 µs and 2 KB allocated per step.
/// </summary>
[MemoryDiagnoser]
public class EngineStepBenchmarks
{
    private DialogEngine _engine = null!;
    private DialogState _atRating = null!;
    private DialogInput _press = null!;
    private DialogInput _typedLabel = null!;
    private DialogInput _typedNumber = null!;

    [GlobalSetup]
    public void Setup()
    {
        _engine = BenchmarkFlows.LoadEngine();
        var start = BenchmarkFlows.StartSurvey(_engine, "en");
        var prompt = BenchmarkFlows.OpenPrompt(start)!;
        if (prompt.Kind != PromptKind.Rating)
        {
            throw new InvalidOperationException($"The survey's first question '{prompt.StepId}' is a {prompt.Kind}, not a rating.");
        }

        _atRating = start.State;
        _press = DialogInput.Pressed(prompt.StepId, "4");
        _typedLabel = DialogInput.Typed("very satisfied");
        _typedNumber = DialogInput.Typed("4");

        // Measure the answering path only: an input the engine rejects would time the hint instead.
        foreach (var input in new[] { _press, _typedLabel, _typedNumber })
        {
            var turn = _engine.Advance(_atRating, input, BenchmarkFlows.Now);
            if (turn.Outcome != TurnOutcome.Answered)
            {
                throw new InvalidOperationException($"{input} on '{prompt.StepId}' gave outcome {turn.Outcome}, not Answered.");
            }
        }
    }

    [Benchmark(Baseline = true, Description = "rating: button press")]
    public DialogTurn PressRatingButton() => _engine.Advance(_atRating, _press, BenchmarkFlows.Now);

    [Benchmark(Description = "rating: typed \"very satisfied\"")]
    public DialogTurn TypeRatingLabel() => _engine.Advance(_atRating, _typedLabel, BenchmarkFlows.Now);

    [Benchmark(Description = "rating: typed \"4\"")]
    public DialogTurn TypeRatingNumber() => _engine.Advance(_atRating, _typedNumber, BenchmarkFlows.Now);
}
