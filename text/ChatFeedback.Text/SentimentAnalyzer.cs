namespace ChatFeedback.Text;

/// <summary>
/// Lexicon-based sentiment in −1…1: each sentiment word adds its weight, multiplied by an intensifier in the two
/// words before it ("very", 非常, 太), and turned and halved when negated ("not good" is mildly negative, not as
/// negative as "bad"). The sum is squashed into −1…1 (x / √(x² + 4)), so more evidence moves it less each time.
/// </summary>
public sealed class SentimentAnalyzer
{
    /// <summary>What a negated sentiment word counts for, against its own weight.</summary>
    public const double NegationFactor = -0.5;

    private const double Squash = 4;

    private readonly LexiconMatcher<double> _words;
    private readonly Dictionary<string, double> _intensifiers;
    private readonly Dictionary<string, double>.AlternateLookup<ReadOnlySpan<char>> _intensifierLookup;

    /// <param name="words">Terms and weights: positive for praise ("great": 1), negative for blame ("awful": −1.5).</param>
    /// <param name="intensifiers">Single words and the factor they multiply the next sentiment word by ("very": 1.5).</param>
    public SentimentAnalyzer(IEnumerable<(string Term, double Weight)> words, IEnumerable<(string Word, double Factor)> intensifiers)
    {
        ArgumentNullException.ThrowIfNull(intensifiers);
        _words = new LexiconMatcher<double>(words);
        _intensifiers = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (word, factor) in intensifiers)
        {
            foreach (var (text, kind) in TextAnalyzer.TermTokens(word))
            {
                _intensifiers[LexiconKeys.Key(text, kind).ToString()] = factor;
            }
        }

        _intensifierLookup = _intensifiers.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>
    /// The sentiment of <paramref name="text"/>. <paramref name="bias"/> is added to the sum before squashing (the
    /// assessment adds its complaint evidence); <paramref name="positiveScale"/> scales praise down where the text
    /// is a complaint, since "great, late again" is sarcasm far more often than praise.
    /// </summary>
    public double Score(AnalyzedText text, double bias = 0, double positiveScale = 1)
    {
        ArgumentNullException.ThrowIfNull(text);
        var matches = new List<LexiconMatch<double>>();
        _words.Match(text, matches);
        var sum = bias;
        foreach (var match in matches)
        {
            var weight = match.Payload * Intensity(text, match.FirstToken);
            if (match.Negated)
            {
                weight *= NegationFactor;
            }

            sum += weight > 0 ? weight * positiveScale : weight;
        }

        return Math.Clamp(sum / Math.Sqrt((sum * sum) + Squash), -1, 1);
    }

    /// <summary>The factor of the strongest intensifier in the two tokens before <paramref name="index"/>, or 1.</summary>
    public double Intensity(AnalyzedText text, int index)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = text.Tokens;
        var factor = 1.0;
        for (var k = index - 1; k >= 0 && k >= index - 2; k--)
        {
            if (tokens[k].Kind == TokenKind.Break)
            {
                break;
            }

            if (_intensifierLookup.TryGetValue(LexiconKeys.Key(tokens[k].In(text.Text), tokens[k].Kind), out var f))
            {
                factor = Math.Max(factor, f);
            }
        }

        return factor;
    }
}
