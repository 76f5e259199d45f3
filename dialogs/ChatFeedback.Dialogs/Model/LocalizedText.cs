using System.Collections.Frozen;

namespace ChatFeedback.Dialogs;

/// <summary>A text in several languages; <see cref="Resolve"/> picks one for a customer's locale.</summary>
public sealed class LocalizedText
{
    private readonly FrozenDictionary<string, string> _byLocale;

    public LocalizedText(IEnumerable<KeyValuePair<string, string>> byLocale)
    {
        _byLocale = byLocale.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyDictionary<string, string> ByLocale => _byLocale;

    /// <summary>The text for <paramref name="locale"/>, else for <paramref name="fallbackLocale"/>, else any.</summary>
    public string Resolve(string locale, string fallbackLocale)
    {
        if (_byLocale.TryGetValue(locale, out var text) || _byLocale.TryGetValue(fallbackLocale, out text))
        {
            return text;
        }

        return _byLocale.Count > 0 ? _byLocale.Values[0] : string.Empty;
    }

    public bool Has(string locale) => _byLocale.ContainsKey(locale);

    public static LocalizedText Of(string locale, string text) => new([new(locale, text)]);
}
