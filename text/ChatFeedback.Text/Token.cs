using System.Buffers;

namespace ChatFeedback.Text;

public enum TokenKind : byte
{
    /// <summary>A word in a Latin script (English), lower case.</summary>
    Word,

    /// <summary>Digits, with inner '.' or ','.</summary>
    Number,

    /// <summary>A Chinese word, as the segmenter cut it.</summary>
    Han,

    /// <summary>Punctuation that ends a clause: phrases do not match across it and negation stops at it.</summary>
    Break,
}

[Flags]
public enum TokenMarks : byte
{
    None = 0,

    /// <summary>The token negates what follows ("not", "never", "n't", 没有, 不).</summary>
    Negator = 1,

    /// <summary>The token is inside a negation scope.</summary>
    Negated = 2,
}

/// <summary>A token: a range of the normalised text, its kind, and what negation made of it.</summary>
public readonly record struct Token(int Start, int Length, TokenKind Kind, TokenMarks Marks = TokenMarks.None)
{
    public int End => Start + Length;

    public bool IsNegated => (Marks & TokenMarks.Negated) != 0;

    public bool IsNegator => (Marks & TokenMarks.Negator) != 0;

    public ReadOnlySpan<char> In(string text) => text.AsSpan(Start, Length);
}

/// <summary>
/// A normalised text and its tokens, with negation marked. The token array is rented from the shared pool: dispose
/// the analysis when done with it (and do not keep <see cref="Tokens"/> past that).
/// </summary>
public sealed class AnalyzedText : IDisposable
{
    private Token[]? _tokens;

    internal AnalyzedText(NormalizedText normalized, Token[] tokens, int count)
    {
        Normalized = normalized;
        _tokens = tokens;
        Count = count;
    }

    public NormalizedText Normalized { get; }

    /// <summary>The normalised text the tokens point into.</summary>
    public string Text => Normalized.Text;

    public int Count { get; }

    public ReadOnlySpan<Token> Tokens => _tokens is null ? throw new ObjectDisposedException(nameof(AnalyzedText)) : _tokens.AsSpan(0, Count);

    /// <summary>The token's text (allocates; for evidence and tests, not for matching).</summary>
    public string TextOf(int index) => Tokens[index].In(Text).ToString();

    /// <summary>Every token's text, in order (allocates; for tests and tools).</summary>
    public IReadOnlyList<string> Words()
    {
        var words = new string[Count];
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = TextOf(i);
        }

        return words;
    }

    /// <summary>The text from token <paramref name="first"/> to token <paramref name="last"/>, both included (allocates).</summary>
    public string TextOf(int first, int last) => Text[Tokens[first].Start..Tokens[last].End];

    public void Dispose()
    {
        if (_tokens is { } tokens)
        {
            _tokens = null;
            ArrayPool<Token>.Shared.Return(tokens);
        }
    }
}
