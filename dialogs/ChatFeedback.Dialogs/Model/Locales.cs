namespace ChatFeedback.Dialogs;

/// <summary>Picks the supported locale closest to what a channel reports.</summary>
public static class Locales
{
    public static string Resolve(string? requested, IReadOnlyList<string> supported, string fallback)
    {
        if (string.IsNullOrWhiteSpace(requested))
        {
            return fallback;
        }

        var wanted = requested.Trim().Replace('_', '-');
        foreach (var locale in supported)
        {
            if (string.Equals(locale, wanted, StringComparison.OrdinalIgnoreCase))
            {
                return locale;
            }
        }

        // Same language wins: zh, zh-Hans, zh-Hans-CN and zh-TW all land on zh-CN when that is what we have.
        var language = wanted.Split('-')[0];
        foreach (var locale in supported)
        {
            if (string.Equals(locale.Split('-')[0], language, StringComparison.OrdinalIgnoreCase))
            {
                return locale;
            }
        }

        return fallback;
    }
}
