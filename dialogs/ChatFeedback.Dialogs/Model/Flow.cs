using System.Collections.Frozen;

namespace ChatFeedback.Dialogs;

/// <summary>A loaded, validated flow: what product teams wrote in one flow file.</summary>
public sealed class Flow
{
    private readonly FrozenDictionary<string, Step> _stepsById;

    public Flow(string id, int version, string defaultLocale, IReadOnlyList<string> locales, LocalizedText? title, FlowSettings settings, IReadOnlyList<Step> steps, string source)
    {
        Id = id;
        Version = version;
        DefaultLocale = defaultLocale;
        Locales = locales;
        Title = title;
        Settings = settings;
        Steps = steps;
        Source = source;
        _stepsById = steps.ToFrozenDictionary(s => s.Id, StringComparer.Ordinal);
    }

    public string Id { get; }

    public int Version { get; }

    public string DefaultLocale { get; }

    public IReadOnlyList<string> Locales { get; }

    public LocalizedText? Title { get; }

    public FlowSettings Settings { get; }

    public IReadOnlyList<Step> Steps { get; }

    /// <summary>The file the flow was loaded from, for messages.</summary>
    public string Source { get; }

    public Step First => Steps[0];

    public Step? FindStep(string id) => _stepsById.GetValueOrDefault(id);

    /// <summary>The step that follows <paramref name="step"/> when it names no other; null at the end of the flow.</summary>
    public Step? After(Step step) =>
        step.Next is { } next ? FindStep(next) : step.Index + 1 < Steps.Count ? Steps[step.Index + 1] : null;

    public override string ToString() => $"{Id} v{Version}";
}

/// <summary>How a flow treats invalid answers.</summary>
/// <param name="MaxRetries">Invalid answers re-prompted before the step gives up.</param>
/// <param name="OnRetriesExhausted">What happens then.</param>
public sealed record FlowSettings(int MaxRetries, InvalidAnswerPolicy OnRetriesExhausted)
{
    public static readonly FlowSettings Default = new(2, InvalidAnswerPolicy.Skip);
}

public enum InvalidAnswerPolicy
{
    /// <summary>Record no answer and go on with the flow.</summary>
    Skip,

    /// <summary>Ask for a person (emits a hand-off request) and end the flow.</summary>
    Handoff,
}
