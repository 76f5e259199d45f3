namespace ChatFeedback.Text;

/// <summary>
/// Marks negators and the tokens they negate. A scope opens at a negator and covers the next few words (five in
/// English, three Chinese words), ending early at punctuation or at a word that starts a new clause ("but", "and",
/// 但是, 而且). A negator inside a scope turns it back ("不是没有破损" = there was damage). "Not only" negates
/// nothing, and a near miss ("差点没烫伤", literally "almost did not burn") means it almost happened, so its 没
/// negates nothing either.
/// </summary>
public static class Negation
{
    public const int EnglishScope = 5;
    public const int ChineseScope = 3;

    private static readonly HashSet<string> EnglishNegators = new(StringComparer.Ordinal)
    {
        "not", "no", "never", "without", "hardly", "barely", "scarcely", "nobody", "none", "nothing", "neither", "nor", "cannot", "nowhere",
    };

    private static readonly HashSet<string> ChineseNegators = new(StringComparer.Ordinal)
    {
        "不", "没", "没有", "未", "无", "别", "并非", "不是", "并不", "并没有", "并未", "从未", "从不", "从没", "从没有", "从来不", "从来没有",
        "没什么", "没啥", "毫无", "未曾", "不曾", "绝无", "无法", "不能", "不会", "未能", "没能", "尚未", "还没", "还没有", "也没", "也没有", "都没", "都没有",
    };

    private static readonly HashSet<string> ScopeEnders = new(StringComparer.Ordinal)
    {
        "but", "however", "although", "though", "yet", "except", "and", "so", "because", "while", "whereas", "instead", "then", "which",
        "但", "但是", "可是", "不过", "却", "然而", "只是", "而是", "而且", "并且", "结果", "然后", "所以", "因为", "还有", "而", "反而", "同时",
    };

    private static readonly HashSet<string> NearMisses = new(StringComparer.Ordinal) { "差点", "差一点", "险些", "差点儿", "几乎", "险" };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> EnglishNegatorLookup = EnglishNegators.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> ChineseNegatorLookup = ChineseNegators.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> EnderLookup = ScopeEnders.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> NearMissLookup = NearMisses.GetAlternateLookup<ReadOnlySpan<char>>();

    public static bool IsNegator(ReadOnlySpan<char> word) => EnglishNegatorLookup.Contains(word) || ChineseNegatorLookup.Contains(word);

    /// <summary>Whether a word ends a negation scope: a contrast or a new clause ("but", "and", 但是, 不过).</summary>
    public static bool EndsScope(ReadOnlySpan<char> word) => EnderLookup.Contains(word);

    /// <summary>Sets <see cref="TokenMarks.Negator"/> and <see cref="TokenMarks.Negated"/> on <paramref name="tokens"/> of <paramref name="text"/>.</summary>
    public static void Mark(string text, Span<Token> tokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        var remaining = 0;
        var negated = false;
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            var word = token.In(text);
            if (token.Kind == TokenKind.Break || EnderLookup.Contains(word))
            {
                remaining = 0;
                negated = false;
                continue;
            }

            if (IsNegatorAt(text, tokens, i))
            {
                tokens[i] = token with { Marks = token.Marks | TokenMarks.Negator | (negated && remaining > 0 ? TokenMarks.Negated : TokenMarks.None) };
                negated = remaining <= 0 || !negated;
                remaining = token.Kind == TokenKind.Han ? ChineseScope : EnglishScope;
                continue;
            }

            if (remaining > 0)
            {
                if (negated)
                {
                    tokens[i] = token with { Marks = token.Marks | TokenMarks.Negated };
                }

                if (--remaining == 0)
                {
                    negated = false;
                }
            }
        }
    }

    private static bool IsNegatorAt(string text, ReadOnlySpan<Token> tokens, int i)
    {
        var word = tokens[i].In(text);
        if (tokens[i].Kind == TokenKind.Han)
        {
            return ChineseNegatorLookup.Contains(word) && !(i > 0 && tokens[i - 1].Kind == TokenKind.Han && NearMissLookup.Contains(tokens[i - 1].In(text)));
        }

        if (tokens[i].Kind != TokenKind.Word || !EnglishNegatorLookup.Contains(word))
        {
            return false;
        }

        // "not only … but also" adds; it does not deny.
        return !(word.SequenceEqual("not") && i + 1 < tokens.Length && tokens[i + 1].In(text).SequenceEqual("only"));
    }
}
