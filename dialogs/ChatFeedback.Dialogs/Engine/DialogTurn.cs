namespace ChatFeedback.Dialogs;

/// <summary>The result of one step of the engine: the new state, what to say, and what the host must do.</summary>
public sealed record DialogTurn(DialogState State, IReadOnlyList<Reply> Replies, IReadOnlyList<DialogEffect> Effects, TurnOutcome Outcome);

public enum TurnOutcome
{
    /// <summary>The open question was answered (or skipped) and the flow moved on.</summary>
    Answered,

    /// <summary>The answer did not fit the question; it was asked again with a hint.</summary>
    Invalid,

    /// <summary>A button of a question that is no longer open was pressed; nothing changed.</summary>
    Stale,

    /// <summary>A global command was handled.</summary>
    Command,

    /// <summary>A flow was started (or the open question asked again on resume).</summary>
    Started,
}

/// <summary>One message to the customer; <see cref="Prompt"/> is set when it asks a question.</summary>
public sealed record Reply(string Text, Prompt? Prompt = null);

public enum PromptKind
{
    Choice,
    Rating,
    YesNo,
    Text,
}

/// <summary>The question a reply asks: its step and the buttons to show.</summary>
public sealed record Prompt(string StepId, PromptKind Kind, IReadOnlyList<PromptOption> Options, bool Optional)
{
    /// <summary>The label of the skip button for an optional question, in the customer's language.</summary>
    public string? SkipLabel { get; init; }
}

/// <summary>A button: <see cref="Value"/> is what a press sends back.</summary>
public sealed record PromptOption(string Value, string Label);
