using System.Buffers;
using System.Globalization;

namespace ChatFeedback.Text;

/// <summary>What normalisation noticed about a text, beyond the normalised string itself.</summary>
[Flags]
public enum TextNotes
{
    None = 0,

    /// <summary>Nothing readable was left (empty, whitespace, or only stripped characters).</summary>
    Empty = 1,

    /// <summary>Control characters, replacement characters or other binary debris were removed.</summary>
    ControlStripped = 2,

    /// <summary>A tenth or more of the input was binary debris: the text is probably not something a person typed.</summary>
    Binary = 4,

    /// <summary>Only emoji and symbols, no letters, digits or Chinese characters.</summary>
    EmojiOnly = 8,
}

/// <summary>A text as the language tools read it, and what normalisation noticed.</summary>
public sealed record NormalizedText(string Text, TextNotes Notes)
{
    /// <summary>True when there is nothing to read: empty, binary or emoji only.</summary>
    public bool IsUnreadable => (Notes & (TextNotes.Empty | TextNotes.Binary | TextNotes.EmojiOnly)) != 0;
}

/// <summary>
/// Case folding, full-width to half-width, one space for any whitespace run, control and binary characters stripped,
/// curly apostrophes straightened and English "n't" contractions spelled out ("isn't" → "is not"), so negation
/// and lexicon matching see one form.
/// </summary>
public static class TextNormalizer
{
    public static NormalizedText Normalize(string? text) => Normalize((text ?? string.Empty).AsSpan());

    public static NormalizedText Normalize(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return new NormalizedText(string.Empty, TextNotes.Empty);
        }

        // Expanding "n't" to " not" grows the text by at most one char per "n't" (3 chars), so 2× is ample.
        var rented = text.Length <= 512 ? null : ArrayPool<char>.Shared.Rent(text.Length * 2);
        Span<char> buffer = rented is null ? stackalloc char[text.Length * 2] : rented.AsSpan();
        try
        {
            var length = 0;
            var stripped = 0;
            var readable = false;
            var symbols = false;
            var pendingSpace = false;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    // Characters outside the BMP: emoji, rare CJK (extension B+). Kept as they are.
                    var category = CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(c, text[i + 1]));
                    if (category is UnicodeCategory.OtherLetter)
                    {
                        readable = true;
                    }
                    else
                    {
                        symbols = true;
                    }

                    Append(buffer, ref length, ref pendingSpace, c);
                    buffer[length++] = text[++i];
                    continue;
                }

                if (c is '\n' or '\r' or '\t' || char.IsWhiteSpace(c))
                {
                    pendingSpace = length > 0;
                    continue;
                }

                if (char.IsControl(c) || char.IsSurrogate(c) || c is '\uFFFD' or '\uFFFE' or '\uFFFF' || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.PrivateUse)
                {
                    // Zero-width joiners and variation selectors belong to emoji; anything else here is debris.
                    if (c is '\u200D' or '\uFE0F' or '\uFE0E')
                    {
                        buffer[length++] = c;
                        continue;
                    }

                    stripped++;
                    continue;
                }

                c = Fold(c);
                if (char.IsLetterOrDigit(c))
                {
                    readable = true;
                }
                else if (!char.IsPunctuation(c))
                {
                    symbols = true;
                }

                // "n't" → " not": "isn't" reads as "is not", "can't" as "can not", "won't" as "will not".
                if (c == 't' && length >= 2 && buffer[length - 1] == '\'' && buffer[length - 2] == 'n' && !pendingSpace && IsWordEnd(text, i + 1))
                {
                    length -= 2;
                    if (length >= 2 && buffer[length - 1] == 'o' && buffer[length - 2] == 'w' && (length == 2 || !char.IsLetter(buffer[length - 3])))
                    {
                        length -= 2;
                        "will".CopyTo(buffer[length..]);
                        length += 4;
                    }
                    else if (length >= 2 && buffer[length - 1] == 'a' && buffer[length - 2] == 'c' && (length == 2 || !char.IsLetter(buffer[length - 3])))
                    {
                        buffer[length++] = 'n';
                    }

                    " not".CopyTo(buffer[length..]);
                    length += 4;
                    continue;
                }

                Append(buffer, ref length, ref pendingSpace, c);
            }

            var notes = TextNotes.None;
            if (stripped > 0)
            {
                notes |= TextNotes.ControlStripped;
                if (stripped >= 3 && stripped * 10 >= text.Length)
                {
                    notes |= TextNotes.Binary;
                }
            }

            if (!readable)
            {
                notes |= symbols ? TextNotes.EmojiOnly : TextNotes.Empty;
            }

            return new NormalizedText(length == 0 ? string.Empty : new string(buffer[..length]), notes | (length == 0 ? TextNotes.Empty : TextNotes.None));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Full-width ASCII (U+FF01–FF5E) to ASCII, curly quotes to straight ones, then lower case.</summary>
    public static char Fold(char c)
    {
        if (c is >= '\uFF01' and <= '\uFF5E')
        {
            c = (char)(c - 0xFEE0);
        }
        else if (c is '\u2019' or '\u2018' or '\u02BC' or '\u2032')
        {
            c = '\'';
        }

        return char.ToLowerInvariant(c);
    }

    private static bool IsWordEnd(ReadOnlySpan<char> text, int index) =>
        index >= text.Length || !char.IsLetter(Fold(text[index]));

    private static void Append(Span<char> buffer, ref int length, ref bool pendingSpace, char c)
    {
        if (pendingSpace)
        {
            buffer[length++] = ' ';
            pendingSpace = false;
        }

        buffer[length++] = c;
    }
}
