using System.Collections.Frozen;
using System.Globalization;

namespace ChatFeedback.Dialogs;

public enum StepKind
{
    Message,
    Choice,
    Rating,
    Text,
    YesNo,
    Branch,
    Action,
    End,
}

/// <summary>One step of a flow. Questions wait for the customer; the other kinds run straight through.</summary>
public abstract class Step
{
    protected Step(string id, int index, LocalizedText? text, string? next)
    {
        Id = id;
        Index = index;
        Text = text;
        Next = next;
    }

    public string Id { get; }

    /// <summary>Position in the flow file, which decides the default next step.</summary>
    public int Index { get; }

    public abstract StepKind Kind { get; }

    public LocalizedText? Text { get; }

    /// <summary>The step named in <c>next:</c>, if any.</summary>
    public string? Next { get; }

    public virtual bool IsQuestion => false;

    public override string ToString() => $"{Kind} {Id}";
}

/// <summary>A step that waits for an answer.</summary>
public abstract class QuestionStep : Step
{
    protected QuestionStep(string id, int index, LocalizedText text, string? next, bool optional, InvalidAnswerPolicy? onInvalid)
        : base(id, index, text, next)
    {
        Optional = optional;
        OnInvalid = onInvalid;
    }

    public override bool IsQuestion => true;

    public new LocalizedText Text => base.Text!;

    public bool Optional { get; }

    /// <summary>Overrides the flow's <see cref="FlowSettings.OnRetriesExhausted"/> for this step.</summary>
    public InvalidAnswerPolicy? OnInvalid { get; }
}

public sealed class MessageStep(string id, int index, LocalizedText text, string? next) : Step(id, index, text, next)
{
    public override StepKind Kind => StepKind.Message;
}

public sealed class EndStep(string id, int index, LocalizedText? text) : Step(id, index, text, null)
{
    public override StepKind Kind => StepKind.End;
}

public sealed class ChoiceStep : QuestionStep
{
    private readonly FrozenDictionary<string, Choice> _byWord;

    public ChoiceStep(string id, int index, LocalizedText text, string? next, bool optional, InvalidAnswerPolicy? onInvalid, IReadOnlyList<Choice> choices)
        : base(id, index, text, next, optional, onInvalid)
    {
        Choices = choices;

        // Typed answers: the number shown on the button, every label and every synonym, in any language.
        var byWord = new Dictionary<string, Choice>(StringComparer.Ordinal);
        for (var i = 0; i < choices.Count; i++)
        {
            byWord.TryAdd((i + 1).ToString(CultureInfo.InvariantCulture), choices[i]);
            foreach (var word in choices[i].Label.ByLocale.Values.Concat(choices[i].Synonyms))
            {
                byWord.TryAdd(TextMatching.Normalize(word), choices[i]);
            }
        }

        _byWord = byWord.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public override StepKind Kind => StepKind.Choice;

    public IReadOnlyList<Choice> Choices { get; }

    /// <summary>The choice a normalised typed answer stands for, if any.</summary>
    public Choice? Match(string normalized) => _byWord.GetValueOrDefault(normalized);

    public Choice? FindChoice(string id)
    {
        foreach (var choice in Choices)
        {
            if (string.Equals(choice.Id, id, StringComparison.Ordinal))
            {
                return choice;
            }
        }

        return null;
    }
}

/// <summary>One option of a choice step; <see cref="Id"/> is what gets recorded.</summary>
public sealed record Choice(string Id, LocalizedText Label, IReadOnlyList<string> Synonyms, string? Next);

public sealed class RatingStep(string id, int index, LocalizedText text, string? next, bool optional, InvalidAnswerPolicy? onInvalid, RatingScale scale, string? metric, string? dimension)
    : QuestionStep(id, index, text, next, optional, onInvalid)
{
    public override StepKind Kind => StepKind.Rating;

    public RatingScale Scale { get; } = scale;

    /// <summary>What analytics computes from this answer: csat, nps or ces.</summary>
    public string? Metric { get; } = metric;

    /// <summary>The satisfaction dimension the answer scores, e.g. product_quality.</summary>
    public string? Dimension { get; } = dimension;
}

/// <summary>A numeric scale; labels are optional per point.</summary>
public sealed record RatingScale(string? Name, int Min, int Max, bool Descending, IReadOnlyDictionary<int, LocalizedText> Labels)
{
    private readonly FrozenDictionary<string, int> _byLabel = Labels
        .SelectMany(pair => pair.Value.ByLocale.Values.Select(label => (Word: TextMatching.Normalize(label), Point: pair.Key)))
        .DistinctBy(pair => pair.Word)
        .ToFrozenDictionary(pair => pair.Word, pair => pair.Point, StringComparer.Ordinal);

    /// <summary>The point a normalised typed answer stands for: its number or one of its labels.</summary>
    public int? Match(string normalized)
    {
        if (int.TryParse(normalized, NumberStyles.Integer, CultureInfo.InvariantCulture, out var point))
        {
            return point >= Min && point <= Max ? point : null;
        }

        return _byLabel.TryGetValue(normalized, out point) ? point : null;
    }

    public bool Contains(int point) => point >= Min && point <= Max;

    /// <summary>The points in display order.</summary>
    public IEnumerable<int> Points => Descending
        ? Enumerable.Range(Min, Max - Min + 1).Reverse()
        : Enumerable.Range(Min, Max - Min + 1);
}

public sealed class TextStep(string id, int index, LocalizedText text, string? next, bool optional, InvalidAnswerPolicy? onInvalid, int minLength, int maxLength)
    : QuestionStep(id, index, text, next, optional, onInvalid)
{
    public override StepKind Kind => StepKind.Text;

    public int MinLength { get; } = minLength;

    public int MaxLength { get; } = maxLength;
}

public sealed class YesNoStep(string id, int index, LocalizedText text, string? next, bool optional, InvalidAnswerPolicy? onInvalid)
    : QuestionStep(id, index, text, next, optional, onInvalid)
{
    public const string Yes = "yes";
    public const string No = "no";

    public override StepKind Kind => StepKind.YesNo;
}

public sealed class BranchStep(string id, int index, IReadOnlyList<BranchCase> cases, string otherwise) : Step(id, index, null, null)
{
    public override StepKind Kind => StepKind.Branch;

    public IReadOnlyList<BranchCase> Cases { get; } = cases;

    public string Otherwise { get; } = otherwise;
}

public sealed record BranchCase(Condition When, string Next);

public sealed class ActionStep(string id, int index, IReadOnlyList<FlowAction> actions, string? next) : Step(id, index, null, next)
{
    public override StepKind Kind => StepKind.Action;

    public IReadOnlyList<FlowAction> Actions { get; } = actions;
}
