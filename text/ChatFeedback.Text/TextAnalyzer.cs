using System.Buffers;

namespace ChatFeedback.Text;

/// <summary>
/// Normalises, tokenises and marks negation in one pass over a text in English, Chinese or both: Latin words and
/// numbers are tokenised directly, runs of Chinese characters are cut by the <see cref="ChineseSegmenter"/>, which
/// is built on the first Chinese text (so a service that only ever sees English never loads the dictionary).
/// Thread-safe; one instance per set of user words.
/// </summary>
public sealed class TextAnalyzer
{
    private readonly Lazy<ChineseSegmenter> _segmenter;

    /// <param name="chineseUserWords">Words the segmenter must cut as units: the lexicons' Chinese terms.</param>
    public TextAnalyzer(IEnumerable<string> chineseUserWords)
    {
        var words = chineseUserWords.ToArray();
        _segmenter = new Lazy<ChineseSegmenter>(() => ChineseSegmenter.Create(words), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public TextAnalyzer(Lazy<ChineseSegmenter> segmenter) => _segmenter = segmenter;

    /// <summary>Whether the Chinese dictionary has been loaded (it is, on the first text with Chinese characters).</summary>
    public bool IsChineseLoaded => _segmenter.IsValueCreated;

    /// <summary>The segmenter, loading it if it is not yet.</summary>
    public ChineseSegmenter Segmenter => _segmenter.Value;

    public AnalyzedText Analyze(string? text) => Analyze(TextNormalizer.Normalize(text));

    public AnalyzedText Analyze(NormalizedText normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        var text = normalized.Text;
        var tokens = ArrayPool<Token>.Shared.Rent(text.Length + 1);
        var count = Tokenize(text, tokens);
        Negation.Mark(text, tokens.AsSpan(0, count));
        return new AnalyzedText(normalized, tokens, count);
    }

    /// <summary>
    /// Tokenises a lexicon term without the segmenter: each run of Chinese characters is one token, since every
    /// term's Chinese is a user word the segmenter cuts as a unit.
    /// </summary>
    public static IReadOnlyList<(string Text, TokenKind Kind)> TermTokens(string term)
    {
        var text = TextNormalizer.Normalize(term).Text;
        var tokens = new Token[text.Length + 1];
        var count = Tokenize(text, tokens, segmenter: null);
        var result = new List<(string, TokenKind)>(count);
        for (var i = 0; i < count; i++)
        {
            result.Add((text.Substring(tokens[i].Start, tokens[i].Length), tokens[i].Kind));
        }

        return result;
    }

    /// <summary>Whether a character is clause-ending punctuation (a <see cref="TokenKind.Break"/> token).</summary>
    public static bool IsBreak(char c) => c is '.' or ',' or '!' or '?' or ';' or ':' or '。' or '、' or '…' or '(' or ')' or '[' or ']'
        or '"' or '“' or '”' or '「' or '」' or '『' or '』' or '《' or '》' or '【' or '】' or '~' or '—' or '｡' or '､';

    private int Tokenize(string text, Token[] tokens)
    {
        var hasHan = false;
        foreach (var c in text)
        {
            if (ChineseSegmenter.IsHan(c))
            {
                hasHan = true;
                break;
            }
        }

        return Tokenize(text, tokens, hasHan ? _segmenter.Value : null);
    }

    private static int Tokenize(string text, Token[] tokens, ChineseSegmenter? segmenter)
    {
        var count = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var start = i;
            if (ChineseSegmenter.IsHan(c))
            {
                while (i < text.Length && ChineseSegmenter.IsHan(text[i]))
                {
                    i++;
                }

                if (segmenter is null)
                {
                    tokens[count++] = new Token(start, i - start, TokenKind.Han);
                }
                else
                {
                    var sink = new TokenSink(tokens, count, start);
                    segmenter.Segment(text.AsSpan(start, i - start), ref sink, static (ref TokenSink s, int wordStart, int length) =>
                        s.Tokens[s.Count++] = new Token(s.Offset + wordStart, length, TokenKind.Han));
                    count = sink.Count;
                }
            }
            else if (char.IsLetter(c))
            {
                // Letters, with an apostrophe inside a word ("customer's") kept in it.
                i++;
                while (i < text.Length && (IsWordLetter(text[i]) || (text[i] == '\'' && i + 1 < text.Length && IsWordLetter(text[i + 1]))))
                {
                    i++;
                }

                tokens[count++] = new Token(start, i - start, TokenKind.Word);
            }
            else if (char.IsDigit(c))
            {
                i++;
                while (i < text.Length && (char.IsDigit(text[i]) || (text[i] is '.' or ',' && i + 1 < text.Length && char.IsDigit(text[i + 1]))))
                {
                    i++;
                }

                tokens[count++] = new Token(start, i - start, TokenKind.Number);
            }
            else
            {
                if (IsBreak(c))
                {
                    tokens[count++] = new Token(start, 1, TokenKind.Break);
                }

                i++;
            }
        }

        return count;
    }

    private static bool IsWordLetter(char c) => char.IsLetter(c) && !ChineseSegmenter.IsHan(c);

    private ref struct TokenSink(Token[] tokens, int count, int offset)
    {
        public readonly Token[] Tokens = tokens;
        public int Count = count;
        public readonly int Offset = offset;
    }
}
