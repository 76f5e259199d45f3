namespace ChatFeedback.Dialogs;

public enum InputKind
{
    /// <summary>Typed text (commands included).</summary>
    Text,

    /// <summary>A button press: the question it belongs to and its value.</summary>
    Button,

    /// <summary>Start a flow (or the entry flow when none is named), leaving whatever was running.</summary>
    Start,

    /// <summary>The customer is back: ask the open question again, or start the entry flow when idle.</summary>
    Resume,
}

/// <summary>One thing the customer did, in the engine's terms.</summary>
public sealed record DialogInput(InputKind Kind, string? Text = null, string? StepId = null, string? Value = null, string? FlowId = null)
{
    public static DialogInput Typed(string text) => new(InputKind.Text, Text: text);

    public static DialogInput Pressed(string stepId, string value) => new(InputKind.Button, StepId: stepId, Value: value);

    public static DialogInput Start(string? flowId = null) => new(InputKind.Start, FlowId: flowId);

    public static readonly DialogInput Resume = new(InputKind.Resume);
}
