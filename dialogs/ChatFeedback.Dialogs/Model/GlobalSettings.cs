using System.Collections.Frozen;

namespace ChatFeedback.Dialogs;

/// <summary>Commands understood in every flow.</summary>
public enum GlobalCommand
{
    Help,
    Cancel,
    Restart,
    Agent,
    Stop,
    Skip,
    Menu,
}

/// <summary>The shared part of a flow set: <c>global.yaml</c>.</summary>
public sealed class GlobalSettings
{
    /// <summary>Keys every <c>texts:</c> section must define.</summary>
    public static readonly IReadOnlyList<string> RequiredTexts =
    [
        "help", "cancelled", "agentRequested", "stopped", "notSkippable", "staleButton",
        "invalidChoice", "invalidRating", "invalidYesNo", "textTooShort", "textTooLong",
        "retriesExhausted", "flowUpdated", "skipButton",
    ];

    private readonly FrozenDictionary<string, GlobalCommand> _commands;
    private readonly FrozenDictionary<string, string> _yesNo;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _yesWords;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _noWords;
    private readonly FrozenDictionary<string, string> _shortcuts;

    public GlobalSettings(
        string entryFlow,
        string defaultLocale,
        IReadOnlyList<string> locales,
        IReadOnlyDictionary<GlobalCommand, IReadOnlyList<string>> commandWords,
        IReadOnlyDictionary<string, IReadOnlyList<string>> yesWords,
        IReadOnlyDictionary<string, IReadOnlyList<string>> noWords,
        IReadOnlyDictionary<string, LocalizedText> texts,
        IReadOnlyDictionary<string, RatingScale> scales,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? shortcuts = null)
    {
        EntryFlow = entryFlow;
        DefaultLocale = defaultLocale;
        Locales = locales;
        CommandWords = commandWords;
        Texts = texts;
        Scales = scales;
        _yesWords = yesWords;
        _noWords = noWords;

        var commands = new Dictionary<string, GlobalCommand>(StringComparer.OrdinalIgnoreCase);
        foreach (var (command, words) in commandWords)
        {
            foreach (var word in words)
            {
                commands.TryAdd(TextMatching.Normalize(word), command);
            }
        }

        _commands = commands.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

        var yesNo = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var word in yesWords.Values.SelectMany(w => w))
        {
            yesNo.TryAdd(TextMatching.Normalize(word), YesNoStep.Yes);
        }

        foreach (var word in noWords.Values.SelectMany(w => w))
        {
            yesNo.TryAdd(TextMatching.Normalize(word), YesNoStep.No);
        }

        _yesNo = yesNo.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

        Shortcuts = shortcuts ?? new Dictionary<string, IReadOnlyList<string>>();
        var shortcutWords = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (flowId, words) in Shortcuts)
        {
            foreach (var word in words)
            {
                shortcutWords.TryAdd(TextMatching.Normalize(word), flowId);
            }
        }

        _shortcuts = shortcutWords.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The flow a customer gets when no flow is running.</summary>
    public string EntryFlow { get; }

    public string DefaultLocale { get; }

    public IReadOnlyList<string> Locales { get; }

    public IReadOnlyDictionary<GlobalCommand, IReadOnlyList<string>> CommandWords { get; }

    public IReadOnlyDictionary<string, LocalizedText> Texts { get; }

    public IReadOnlyDictionary<string, RatingScale> Scales { get; }

    /// <summary>The command a whole message (already normalised) stands for, if any.</summary>
    public GlobalCommand? FindCommand(string normalized) =>
        _commands.TryGetValue(normalized, out var command) ? command : null;

    /// <summary>Words that start a flow from anywhere (<c>/survey</c>, <c>/complaint</c>), by flow id.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Shortcuts { get; }

    /// <summary>The flow a whole message (already normalised) starts, if it is a shortcut.</summary>
    public string? FindShortcut(string normalized) => _shortcuts.GetValueOrDefault(normalized);

    /// <summary><c>yes</c>, <c>no</c> or null for a normalised message.</summary>
    public string? FindYesNo(string normalized) => _yesNo.GetValueOrDefault(normalized);

    /// <summary>The first yes (or no) word listed for <paramref name="locale"/>: the label of that button.</summary>
    public string YesNoLabel(string value, string locale)
    {
        var words = value == YesNoStep.Yes ? _yesWords : _noWords;
        if (words.TryGetValue(locale, out var list) || words.TryGetValue(DefaultLocale, out list))
        {
            return list.Count > 0 ? list[0] : value;
        }

        return value;
    }

    public string Text(string key, string locale) => Texts[key].Resolve(locale, DefaultLocale);
}
