using System.Text.Json.Serialization;

namespace ChatFeedback.Dialogs;

/// <summary>
/// Where one conversation stands. Small and immutable; the host stores it between turns (JSON names are
/// short on purpose: this is written on every turn). An idle state has no flow.
/// </summary>
public sealed record DialogState
{
    /// <summary>The shape of this record; raise it when a stored state needs migrating.</summary>
    public const int CurrentSchemaVersion = 1;

    [JsonPropertyName("sv")]
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>The customer's locale, one the flows support. Always set by whoever creates a state (see <see cref="Idle"/>).</summary>
    [JsonPropertyName("l")]
    public string Locale { get; init; } = string.Empty;

    /// <summary>The running flow, or null when idle.</summary>
    [JsonPropertyName("f")]
    public string? FlowId { get; init; }

    /// <summary>The version of the running flow; the conversation finishes on it even when a newer one is published.</summary>
    [JsonPropertyName("fv")]
    public int FlowVersion { get; init; }

    /// <summary>The question waiting for an answer.</summary>
    [JsonPropertyName("s")]
    public string? StepId { get; init; }

    /// <summary>Invalid answers given to the current question so far.</summary>
    [JsonPropertyName("r")]
    public int Retries { get; init; }

    /// <summary>Answers given in the running flow, by step id, in the order given.</summary>
    [JsonPropertyName("a")]
    [JsonConverter(typeof(StepAnswersConverter))]
    public IReadOnlyList<StepAnswer> Answers { get; init; } = [];

    /// <summary>When the running flow started.</summary>
    [JsonPropertyName("st")]
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the last turn changed this state.</summary>
    [JsonPropertyName("u")]
    public DateTimeOffset? UpdatedAt { get; init; }

    [JsonIgnore]
    public bool IsIdle => FlowId is null;

    public static DialogState Idle(string locale) => new() { Locale = locale };

    /// <summary>The answer recorded under <paramref name="stepId"/> in the running flow, if any.</summary>
    public string? AnswerTo(string stepId)
    {
        for (var i = Answers.Count - 1; i >= 0; i--)
        {
            if (string.Equals(Answers[i].StepId, stepId, StringComparison.Ordinal))
            {
                return Answers[i].Value;
            }
        }

        return null;
    }
}

/// <summary>One answer: the step it answers and the recorded value.</summary>
public sealed record StepAnswer
{
    // A parameterless constructor for the serializer: a positional record makes it buffer constructor
    // arguments, which costs an allocation per answer on every read.
    [JsonConstructor]
    public StepAnswer()
    {
    }

    public StepAnswer(string stepId, string value)
    {
        StepId = stepId;
        Value = value;
    }

    [JsonPropertyName("s")]
    public string StepId { get; init; } = string.Empty;

    [JsonPropertyName("v")]
    public string Value { get; init; } = string.Empty;
}
