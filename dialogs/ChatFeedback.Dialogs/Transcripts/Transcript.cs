namespace ChatFeedback.Dialogs;

/// <summary>One transcript test: a conversation to play and what each turn must produce.</summary>
public sealed record Transcript(string File, int Line, string Name, string Locale, string? StartFlow, IReadOnlyList<TranscriptTurn> Turns)
{
    public override string ToString() => $"{System.IO.Path.GetFileName(File)}: {Name}";
}

/// <summary>One turn: what the customer does (nothing for the opening turn) and what to expect.</summary>
public sealed record TranscriptTurn(int Line, DialogInput? Input, TranscriptExpectation Expect);

public sealed record TranscriptExpectation(
    IReadOnlyList<string> Replies,
    IReadOnlyList<string>? Buttons,
    IReadOnlyList<ExpectedEffect> Effects,
    IReadOnlyList<string> NoEffects,
    bool? Ended,
    TurnOutcome? Outcome);

/// <summary>An effect by its transcript name (e.g. <c>openCase</c>) with the fields that must match.</summary>
public sealed record ExpectedEffect(string Name, IReadOnlyDictionary<string, string> Fields);

public sealed record TranscriptLoadResult(IReadOnlyList<Transcript> Transcripts, IReadOnlyList<FlowError> Errors);

public sealed record TranscriptResult(Transcript Transcript, IReadOnlyList<string> Failures)
{
    public bool Passed => Failures.Count == 0;
}
