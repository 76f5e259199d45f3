namespace ChatFeedback.Adapters;

/// <summary>One reply to render on a channel: text, and the question's buttons when it asks one.</summary>
public sealed record OutboundMessage(string Text, OutboundQuestion? Question = null);

/// <summary>A question the customer can answer with buttons (or, for free text, by typing).</summary>
/// <param name="QuestionId">Identifies the question; a button press echoes it so stale presses are recognised.</param>
/// <param name="Kind">How the channel should lay the options out.</param>
/// <param name="Options">The buttons, in display order; empty for free text.</param>
/// <param name="Skippable">The question may be skipped.</param>
public sealed record OutboundQuestion(
    string QuestionId,
    QuestionKind Kind,
    IReadOnlyList<OutboundOption> Options,
    bool Skippable = false)
{
    /// <summary>The label of the skip button when <see cref="Skippable"/>, in the customer's language.</summary>
    public string? SkipLabel { get; init; }

    /// <summary>The value a press of the skip button sends back.</summary>
    public const string SkipValue = "__skip";
}

public enum QuestionKind
{
    Choice,

    /// <summary>A numeric scale (five-level satisfaction, NPS 0-10, effort): lay out compactly, in rows.</summary>
    Rating,
    YesNo,
    FreeText,
}

/// <summary>One button: the value sent back when pressed and the label shown.</summary>
public sealed record OutboundOption(string Value, string Label);
