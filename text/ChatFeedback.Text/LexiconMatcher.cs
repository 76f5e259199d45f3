namespace ChatFeedback.Text;

/// <summary>
/// Reduces an English word to a stem by taking one regular inflection off, so that a lexicon entry matches its
/// regular forms: "damaged", "damages", "damage" → "damag"; "injuries", "injury" → "injur"; "refunded" → "refund".
/// Always a prefix of the word (no allocation). Irregular forms ("broke", "burnt") are listed in the lexicon.
/// </summary>
public static class EnglishStemmer
{
    private const int MinStem = 3;

    public static ReadOnlySpan<char> Stem(ReadOnlySpan<char> word)
    {
        if (word.EndsWith("'s"))
        {
            word = word[..^2];
        }

        if (word.Length <= MinStem)
        {
            return word;
        }

        if (word.EndsWith("ies") && word.Length - 3 >= MinStem)
        {
            return word[..^3];
        }

        if (word.EndsWith("ing") && word.Length - 3 >= MinStem)
        {
            return StripE(word[..^3]);
        }

        if (word.EndsWith("ed"))
        {
            return word.Length - 2 >= MinStem ? word[..^2] : word[..^1];
        }

        if (word.EndsWith("es") && word.Length - 2 >= MinStem)
        {
            return word[..^2];
        }

        if (word.EndsWith("s") && !word.EndsWith("ss") && !word.EndsWith("us") && !word.EndsWith("is"))
        {
            return StripE(word[..^1]);
        }

        if (word.EndsWith("y") || word.EndsWith("e"))
        {
            return word[..^1];
        }

        return word;
    }

    private static ReadOnlySpan<char> StripE(ReadOnlySpan<char> stem) =>
        stem.Length > MinStem && stem.EndsWith("e") ? stem[..^1] : stem;
}

/// <summary>How lexicon terms and text tokens are compared.</summary>
public static class LexiconKeys
{
    /// <summary>The key a token is compared by: an English word's stem, any other token as it is.</summary>
    public static ReadOnlySpan<char> Key(ReadOnlySpan<char> token, TokenKind kind) => kind == TokenKind.Word ? EnglishStemmer.Stem(token) : token;
}

/// <summary>One lexicon entry found in a text: the tokens it covers, whether it was negated, and its payload.</summary>
/// <param name="Negated">The entry's first word is inside a negation scope ("not damaged", "没有破损").</param>
public readonly record struct LexiconMatch<T>(int FirstToken, int TokenCount, T Payload, bool Negated)
{
    public int LastToken => FirstToken + TokenCount - 1;
}

/// <summary>
/// Finds lexicon terms (single words or phrases, English and Chinese alike) in an analysed text. English words are
/// compared by stem, Chinese words whole (the segmenter cut them); a phrase matches consecutive tokens only. At each
/// position the longest term wins, and the next match starts after it. Thread-safe once built.
/// </summary>
public sealed class LexiconMatcher<T>
{
    private readonly Dictionary<string, Candidate[]> _byFirstToken;
    private readonly Dictionary<string, Candidate[]>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public LexiconMatcher(IEnumerable<(string Term, T Payload)> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var lists = new Dictionary<string, List<Candidate>>(StringComparer.Ordinal);
        foreach (var (term, payload) in entries)
        {
            var tokens = TextAnalyzer.TermTokens(term);
            var keys = tokens.Where(t => t.Kind != TokenKind.Break).Select(t => LexiconKeys.Key(t.Text, t.Kind).ToString()).ToArray();
            if (keys.Length == 0)
            {
                continue;
            }

            if (!lists.TryGetValue(keys[0], out var list))
            {
                lists[keys[0]] = list = [];
            }

            list.Add(new Candidate(keys[1..], payload));
        }

        // Longest first, so the first candidate that matches is the longest.
        _byFirstToken = lists.ToDictionary(p => p.Key, p => p.Value.OrderByDescending(c => c.Rest.Length).ToArray(), StringComparer.Ordinal);
        _lookup = _byFirstToken.GetAlternateLookup<ReadOnlySpan<char>>();
        Count = lists.Sum(p => p.Value.Count);
    }

    /// <summary>How many terms the matcher holds.</summary>
    public int Count { get; }

    /// <summary>Adds every match in <paramref name="text"/> to <paramref name="matches"/>.</summary>
    public void Match(AnalyzedText text, List<LexiconMatch<T>> matches)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(matches);
        var tokens = text.Tokens;
        var source = text.Text;
        var i = 0;
        while (i < tokens.Length)
        {
            var token = tokens[i];
            if (token.Kind != TokenKind.Break && _lookup.TryGetValue(LexiconKeys.Key(token.In(source), token.Kind), out var candidates))
            {
                var matched = 0;
                foreach (var candidate in candidates)
                {
                    // Entries of the same term (one word in two lexicon groups) all match; a shorter term does not.
                    var length = candidate.Rest.Length + 1;
                    if (length < matched)
                    {
                        break;
                    }

                    if (RestMatches(candidate.Rest, tokens, i + 1, source))
                    {
                        matches.Add(new LexiconMatch<T>(i, length, candidate.Payload, token.IsNegated));
                        matched = length;
                    }
                }

                if (matched > 0)
                {
                    i += matched;
                    continue;
                }
            }

            i++;
        }
    }


    private static bool RestMatches(string[] rest, ReadOnlySpan<Token> tokens, int start, string source)
    {
        if (start + rest.Length > tokens.Length)
        {
            return false;
        }

        for (var k = 0; k < rest.Length; k++)
        {
            var token = tokens[start + k];
            if (token.Kind == TokenKind.Break || !LexiconKeys.Key(token.In(source), token.Kind).SequenceEqual(rest[k]))
            {
                return false;
            }
        }

        return true;
    }

    private sealed record Candidate(string[] Rest, T Payload);
}
