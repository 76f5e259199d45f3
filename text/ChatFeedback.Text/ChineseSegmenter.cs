using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;

namespace ChatFeedback.Text;

/// <summary>
/// Chinese word segmentation: jieba's algorithm (a DAG of the dictionary words at each position, then the route of
/// maximum probability, no HMM for unknown words) over jieba's dictionary trimmed to its frequent words, on spans,
/// with no allocation per call. See README.md for why this is not jieba.NET's <c>JiebaSegmenter</c> itself: the
/// measured cost of <c>Cut</c> is over the assessment's whole budget.
/// </summary>
/// <remarks>
/// User words (the lexicons' terms) are added with a frequency high enough that they are cut as units, and
/// dictionary words made of a user word plus a negator, intensifier or particle ("没坏", "太差", "坏了") are dropped,
/// so that "没有坏" and "没坏" both leave 坏 to be matched, and negated.
/// </remarks>
public sealed class ChineseSegmenter
{
    public const string DictionaryResource = "ChatFeedback.Text.jieba-dict-trimmed.txt";

    private const int HanFirst = 0x4E00;
    private const int HanLast = 0x9FFF;

    // Prefixes and suffixes that, glued to a user word in the dictionary, would hide it from the lexicon.
    private static readonly string[] SplitPrefixes = ["不", "没", "没有", "未", "无", "别", "很", "太", "好", "真", "超", "挺", "特别", "非常", "十分", "极", "最", "有点", "有些", "都", "又", "也", "还", "就", "被", "再"];
    // 没 glued to the first character of a user word hides the word from its negation: 没收 (confiscate) in
    // 还没收到 leaves 到, not 收到. Such words are dropped too, unless they are negators, clause words or user words.
    // Only 没: 不, 无 and 别 start too many common words (不过, 无论, 别人) to drop them this way.
    private static readonly string[] NegatorPrefixes = ["没"];
    private static readonly string[] SplitSuffixes = ["了", "的", "啦", "过", "着", "啊", "呢", "吧", "掉", "死", "得", "坏"];

    // The trie in arrays: node n's edges are edgeChar/edgeTarget[firstEdge[n] .. firstEdge[n + 1]), sorted by char;
    // the root's children are looked up directly by code point. logProbability[n] is NaN for nodes that end no word.
    private readonly int[] _rootChild;
    private readonly int[] _firstEdge;
    private readonly char[] _edgeChar;
    private readonly int[] _edgeTarget;
    private readonly float[] _logProbability;
    private readonly float _unknownLogProbability;

    private ChineseSegmenter(int[] rootChild, int[] firstEdge, char[] edgeChar, int[] edgeTarget, float[] logProbability, float unknownLogProbability, int words)
    {
        _rootChild = rootChild;
        _firstEdge = firstEdge;
        _edgeChar = edgeChar;
        _edgeTarget = edgeTarget;
        _logProbability = logProbability;
        _unknownLogProbability = unknownLogProbability;
        WordCount = words;
    }

    public int WordCount { get; }

    /// <summary>Approximate managed memory held by the segmenter's tables, in bytes.</summary>
    public long TableBytes =>
        (_rootChild.Length + _firstEdge.Length + _edgeTarget.Length + _logProbability.Length) * 4L + _edgeChar.Length * 2L;

    /// <summary>The segmenter over the embedded trimmed jieba dictionary plus <paramref name="userWords"/>.</summary>
    public static ChineseSegmenter Create(IEnumerable<string> userWords)
    {
        using var stream = typeof(ChineseSegmenter).Assembly.GetManifestResourceStream(DictionaryResource)
            ?? throw new InvalidOperationException($"The embedded dictionary {DictionaryResource} is missing from {typeof(ChineseSegmenter).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return Create(reader, userWords);
    }

    /// <summary>
    /// The segmenter over a dictionary in jieba's format (<c>word frequency [tag]</c> a line; <c>#</c> comments;
    /// an optional <c>total N</c> line giving the total frequency probabilities are taken against).
    /// </summary>
    public static ChineseSegmenter Create(TextReader dictionary, IEnumerable<string> userWords)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        ArgumentNullException.ThrowIfNull(userWords);
        var frequencies = new Dictionary<string, double>(40_000, StringComparer.Ordinal);
        double total = 0;
        double declaredTotal = 0;
        while (dictionary.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0)
            {
                continue;
            }

            var end = line.IndexOf(' ', space + 1);
            var number = line.AsSpan(space + 1, (end < 0 ? line.Length : end) - space - 1);
            if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var frequency))
            {
                continue;
            }

            var word = line[..space];
            if (word == "total")
            {
                declaredTotal = frequency;
                continue;
            }

            frequencies[word] = frequency;
            total += frequency;
        }

        total = Math.Max(total, declaredTotal);
        var users = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in userWords)
        {
            if (word.Length > 0 && IsAllHan(word))
            {
                users.Add(word);
            }
        }

        DropCompoundsHidingUserWords(frequencies, users);

        // A user word the dictionary lacks gets ten times the probability of the best way to cut it without it
        // (jieba's suggest_freq, with a margin), so that it is cut as a unit in context too. One it has keeps its
        // frequency: boosting those too would let short user words (闪, 退) outweigh longer ones (闪退).
        var withoutUsers = Build(frequencies, total);
        foreach (var word in users)
        {
            if (frequencies.ContainsKey(word))
            {
                continue;
            }

            var split = Math.Exp(withoutUsers.BestRouteLogProbability(word));
            frequencies[word] = Math.Ceiling(split * total * 10) + 1;
        }

        return users.Count == 0 ? withoutUsers : Build(frequencies, total);
    }

    /// <summary>Cuts a run of Chinese characters; <paramref name="emit"/> gets each word's start and length within the run.</summary>
    public void Segment<TState>(ReadOnlySpan<char> run, ref TState state, SegmentSink<TState> emit)
        where TState : allows ref struct
    {
        ArgumentNullException.ThrowIfNull(emit);
        var n = run.Length;
        if (n == 0)
        {
            return;
        }

        float[]? rentedRoute = null;
        int[]? rentedNext = null;
        Span<float> route = n < 256 ? stackalloc float[n + 1] : (rentedRoute = ArrayPool<float>.Shared.Rent(n + 1));
        Span<int> next = n < 256 ? stackalloc int[n + 1] : (rentedNext = ArrayPool<int>.Shared.Rent(n + 1));
        try
        {
            Route(run, route, next);
            for (var i = 0; i < n; i = next[i])
            {
                emit(ref state, i, next[i] - i);
            }
        }
        finally
        {
            if (rentedRoute is not null)
            {
                ArrayPool<float>.Shared.Return(rentedRoute);
                ArrayPool<int>.Shared.Return(rentedNext!);
            }
        }
    }

    /// <summary>Cuts a text into words (allocates a list; for tests, tools and analytics, not the hot path).</summary>
    public IReadOnlyList<string> Cut(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            if (!IsHan(text[i]))
            {
                var start = i;
                while (i < text.Length && !IsHan(text[i]))
                {
                    i++;
                }

                var other = text[start..i].Trim();
                if (other.Length > 0)
                {
                    words.Add(other);
                }

                continue;
            }

            var runStart = i;
            while (i < text.Length && IsHan(text[i]))
            {
                i++;
            }

            var run = text.AsSpan(runStart, i - runStart);
            var state = new CutState(words, text, runStart);
            Segment(run, ref state, static (ref CutState s, int start, int length) => s.Words.Add(s.Text.Substring(s.Offset + start, length)));
        }

        return words;
    }

    public static bool IsHan(char c) => c is >= (char)HanFirst and <= (char)HanLast or >= '\u3400' and <= '\u4DBF' or >= '\uF900' and <= '\uFAFF';

    private static bool IsAllHan(string word)
    {
        foreach (var c in word)
        {
            if (!IsHan(c))
            {
                return false;
            }
        }

        return true;
    }

    private static void DropCompoundsHidingUserWords(Dictionary<string, double> frequencies, HashSet<string> users)
    {
        if (users.Count == 0)
        {
            return;
        }

        var lookup = users.GetAlternateLookup<ReadOnlySpan<char>>();
        var userFirstChars = users.Where(u => u.Length >= 2).Select(u => u[0]).ToHashSet();
        var drop = new List<string>();
        foreach (var word in frequencies.Keys)
        {
            if (users.Contains(word))
            {
                continue;
            }

            var span = word.AsSpan();
            foreach (var prefix in SplitPrefixes)
            {
                if (span.Length > prefix.Length && span.StartsWith(prefix, StringComparison.Ordinal) && lookup.Contains(span[prefix.Length..]))
                {
                    drop.Add(word);
                    goto next;
                }
            }

            if (span.Length == 2 && NegatorPrefixes.Contains(span[..1].ToString()) && userFirstChars.Contains(span[1]) && !Negation.IsNegator(span) && !Negation.EndsScope(span))
            {
                drop.Add(word);
                continue;
            }

            foreach (var suffix in SplitSuffixes)
            {
                if (span.Length > suffix.Length && span.EndsWith(suffix, StringComparison.Ordinal) && lookup.Contains(span[..^suffix.Length]))
                {
                    drop.Add(word);
                    goto next;
                }
            }

        next:;
        }

        foreach (var word in drop)
        {
            frequencies.Remove(word);
        }
    }

    private static ChineseSegmenter Build(Dictionary<string, double> frequencies, double total)
    {
        // First a linked trie (first child / next sibling, the root's children indexed by code point), then
        // flattened into arrays with each node's edges sorted by char. No per-node collections: the build's
        // garbage stays a few MB for a hundred thousand words.
        var capacity = (frequencies.Count * 3) + 1;
        var firstChild = new List<int>(capacity) { -1 };
        var nextSibling = new List<int>(capacity) { -1 };
        var nodeChar = new List<char>(capacity) { '\0' };
        var probability = new List<float>(capacity) { float.NaN };
        var rootChild = new int[HanLast - HanFirst + 1];
        var logTotal = Math.Log(total);
        var words = 0;
        foreach (var (word, frequency) in frequencies)
        {
            if (frequency <= 0 || !IsAllHan(word))
            {
                continue;
            }

            var node = 0;
            foreach (var c in word)
            {
                var child = node == 0 && c is >= (char)HanFirst and <= (char)HanLast ? rootChild[c - HanFirst] : FindChild(firstChild, nextSibling, nodeChar, node, c);
                if (child <= 0)
                {
                    child = firstChild.Count;
                    firstChild.Add(-1);
                    nextSibling.Add(firstChild[node]);
                    nodeChar.Add(c);
                    probability.Add(float.NaN);
                    firstChild[node] = child;
                    if (node == 0 && c is >= (char)HanFirst and <= (char)HanLast)
                    {
                        rootChild[c - HanFirst] = child;
                    }
                }

                node = child;
            }

            probability[node] = (float)(Math.Log(frequency) - logTotal);
            words++;
        }

        var nodes = firstChild.Count;
        var firstEdge = new int[nodes + 1];
        var edgeChar = new char[nodes - 1];
        var edgeTarget = new int[nodes - 1];
        var edge = 0;
        for (var node = 0; node < nodes; node++)
        {
            firstEdge[node] = edge;
            for (var child = firstChild[node]; child > 0; child = nextSibling[child])
            {
                edgeChar[edge] = nodeChar[child];
                edgeTarget[edge] = child;
                edge++;
            }

            Array.Sort(edgeChar, edgeTarget, firstEdge[node], edge - firstEdge[node]);
        }

        firstEdge[nodes] = edge;
        return new ChineseSegmenter(rootChild, firstEdge, edgeChar, edgeTarget, [.. probability], (float)-logTotal, words);
    }

    private static int FindChild(List<int> firstChild, List<int> nextSibling, List<char> nodeChar, int node, char c)
    {
        for (var child = firstChild[node]; child > 0; child = nextSibling[child])
        {
            if (nodeChar[child] == c)
            {
                return child;
            }
        }

        return -1;
    }

    private int Child(int node, char c)
    {
        if (node == 0 && c is >= (char)HanFirst and <= (char)HanLast)
        {
            return _rootChild[c - HanFirst];
        }

        var edges = _edgeChar.AsSpan(_firstEdge[node], _firstEdge[node + 1] - _firstEdge[node]);
        var index = edges.BinarySearch(c);
        return index < 0 ? 0 : _edgeTarget[_firstEdge[node] + index];
    }

    /// <summary>route[i] = best log probability of run[i..]; next[i] = where the first word of that route ends.</summary>
    private void Route(ReadOnlySpan<char> run, Span<float> route, Span<int> next)
    {
        var n = run.Length;
        route[n] = 0;
        for (var i = n - 1; i >= 0; i--)
        {
            // A character the dictionary lacks as a word still stands alone, at frequency 1 as in jieba.
            var best = _unknownLogProbability + route[i + 1];
            var bestEnd = i + 1;
            var node = 0;
            for (var j = i; j < n; j++)
            {
                node = Child(node, run[j]);
                if (node == 0)
                {
                    break;
                }

                var p = _logProbability[node];
                if (!float.IsNaN(p) && p + route[j + 1] >= best)
                {
                    best = p + route[j + 1];
                    bestEnd = j + 1;
                }
            }

            route[i] = best;
            next[i] = bestEnd;
        }
    }

    private float BestRouteLogProbability(string word)
    {
        Span<float> route = stackalloc float[word.Length + 1];
        Span<int> next = stackalloc int[word.Length + 1];
        Route(word, route, next);
        return route[0];
    }

    [StructLayout(LayoutKind.Auto)]
    private readonly struct CutState(List<string> words, string text, int offset)
    {
        public List<string> Words { get; } = words;

        public string Text { get; } = text;

        public int Offset { get; } = offset;
    }
}

/// <summary>Receives one word of a segmented run: its start and length within the run.</summary>
public delegate void SegmentSink<TState>(ref TState state, int start, int length)
    where TState : allows ref struct;
