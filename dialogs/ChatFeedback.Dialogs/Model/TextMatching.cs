using System.Text;

namespace ChatFeedback.Dialogs;

/// <summary>How typed answers are compared with labels, synonyms and command words.</summary>
public static class TextMatching
{
    /// <summary>
    /// Folds width (NFKC: full-width digits and letters), trims, collapses inner white space, lower-cases
    /// invariantly and drops trailing punctuation, so "  Very  Satisfied! " and "very satisfied" match.
    /// </summary>
    public static string Normalize(string text)
    {
        var folded = text.Normalize(NormalizationForm.FormKC).Trim();
        var builder = new StringBuilder(folded.Length);
        var lastWasSpace = false;
        foreach (var ch in folded)
        {
            if (char.IsWhiteSpace(ch))
            {
                if (!lastWasSpace)
                {
                    builder.Append(' ');
                }

                lastWasSpace = true;
                continue;
            }

            lastWasSpace = false;
            builder.Append(char.ToLowerInvariant(ch));
        }

        var end = builder.Length;
        while (end > 1 && IsTrailingPunctuation(builder[end - 1]))
        {
            end--;
        }

        return builder.ToString(0, end).Trim();
    }

    private static bool IsTrailingPunctuation(char ch) => ch is '.' or '!' or '。' or '！' or ',' or '，' or '~';
}
