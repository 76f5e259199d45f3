using ChatFeedback.Text;

namespace ChatFeedback.Assessment;

/// <summary>
/// Grades complaints by the rules: <see cref="Analyze"/> reads the text, the flow's answers and the customer's
/// record into <see cref="Findings"/>; <see cref="Decide"/> settles the scope from the similar cases and gives the
/// decision; <see cref="Combine"/> does the same from a language model's verdict without going below the rules'
/// floor. Thread-safe; build one per loaded rule set (the Chinese dictionary loads on the first Chinese text).
/// </summary>
public sealed class RulesAssessor
{
    private const double UnreadableConfidence = 0.1;

    private readonly TextAnalyzer _text;
    private readonly LexiconMatcher<SeverityRule> _severity;
    private readonly LexiconMatcher<FlagRule> _flags;
    private readonly LexiconMatcher<string> _categories;
    private readonly LexiconMatcher<string> _themes;
    private readonly LexiconMatcher<bool> _scopeClaims;
    private readonly LexiconMatcher<bool> _downplays;
    private readonly SentimentAnalyzer _sentiment;
    private readonly Dictionary<string, SeverityRule> _severityById;
    private readonly Dictionary<string, FlagRule> _flagById;

    public RulesAssessor(AssessmentRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Rules = rules;
        var lexicons = rules.Lexicons;
        _severity = new(lexicons.SelectMany(l => l.Severity).SelectMany(r => r.Terms.Select(t => (t, r))));
        _flags = new(lexicons.SelectMany(l => l.Flags).SelectMany(r => r.Terms.Select(t => (t, r))));
        _categories = new(lexicons.SelectMany(l => l.Categories).SelectMany(g => g.Terms.Select(t => (t, g.Name))));
        _themes = new(lexicons.SelectMany(l => l.Themes).SelectMany(g => g.Terms.Select(t => (t, g.Name))));
        _scopeClaims = new(lexicons.SelectMany(l => l.ScopeClaims).Select(t => (t, true)));
        _downplays = new(lexicons.SelectMany(l => l.Downplays).Select(t => (t, true)));
        _sentiment = new SentimentAnalyzer(
            lexicons.SelectMany(l => l.Sentiment).SelectMany(w => w.Terms.Select(t => (t, w.Weight))),
            lexicons.SelectMany(l => l.Intensifiers).SelectMany(w => w.Terms.Select(t => (t, w.Weight))));
        _severityById = lexicons.SelectMany(l => l.Severity).ToDictionary(r => r.Id, StringComparer.Ordinal);
        _flagById = lexicons.SelectMany(l => l.Flags).ToDictionary(r => r.Id, StringComparer.Ordinal);
        _text = new TextAnalyzer(ChineseTerms(rules));
    }

    public AssessmentRules Rules { get; }

    /// <summary>The language tools the rules read with; their Chinese dictionary loads on the first Chinese text.</summary>
    public TextAnalyzer Text => _text;

    /// <summary>Analyze and decide in one call, for the rules-only path and the evaluation.</summary>
    public Decision Assess(AssessmentInput input, SimilarCases similar, ScopeThresholds thresholds) =>
        Decide(Analyze(input), similar, thresholds);

    /// <summary>What the rules read in a complaint. Never throws on bad text: an unreadable one gives low-confidence findings saying why.</summary>
    public Findings Analyze(AssessmentInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var raw = input.Text ?? string.Empty;
        var truncated = raw.Length > Rules.MaxTextLength;
        var cut = truncated ? raw.AsSpan(0, CutLength(raw, Rules.MaxTextLength)) : raw.AsSpan();
        var normalized = TextNormalizer.Normalize(cut);
        var evidence = new List<Evidence>();
        if (truncated)
        {
            evidence.Add(new Evidence("input:truncated", $"{raw.Length} > {Rules.MaxTextLength} characters"));
        }

        var state = new State(Rules, evidence);
        if (normalized.IsUnreadable)
        {
            var reason = (normalized.Notes & TextNotes.Binary) != 0 ? "binary" : (normalized.Notes & TextNotes.EmojiOnly) != 0 ? "emoji-only" : "empty";
            evidence.Add(new Evidence("input:" + reason, reason));
            state.Confidence = UnreadableConfidence;
            ApplyAnswersAndCustomer(input, ref state);
            return state.ToFindings(input.Locale, KnownCategory(input.Category) ?? Rules.DefaultCategory, [], 0, truncated, Scope.Individual);
        }

        using var text = _text.Analyze(normalized);
        var themes = new List<string>();
        var categoryVotes = new List<LexiconMatch<string>>();
        var severityWeight = 0.0;
        var fired = 0;

        var severityMatches = new List<LexiconMatch<SeverityRule>>();
        _severity.Match(text, severityMatches);
        foreach (var match in severityMatches)
        {
            var rule = match.Payload;
            if (match.Negated != rule.WhenNegated)
            {
                evidence.Add(new Evidence("negated:" + rule.Id, Words(text, match)));
                continue;
            }

            fired++;
            state.Severity = GradeMatrix.Max(state.Severity, rule.Severity);
            severityWeight += 0.5 + (0.5 * (int)rule.Severity);
            evidence.Add(new Evidence("severity:" + rule.Id, Words(text, match)));
            AddDistinct(themes, rule.Theme);
            if (rule.Category is { } ruleCategory)
            {
                categoryVotes.Add(new LexiconMatch<string>(match.FirstToken, match.TokenCount, ruleCategory, false));
            }
        }

        var flagMatches = new List<LexiconMatch<FlagRule>>();
        _flags.Match(text, flagMatches);
        foreach (var match in flagMatches)
        {
            var rule = match.Payload;
            if (match.Negated != rule.WhenNegated)
            {
                evidence.Add(new Evidence("negated:" + rule.Id, Words(text, match)));
                continue;
            }

            fired++;
            state.Flags |= rule.Flag;
            if (rule.Severity is { } severity)
            {
                state.Severity = GradeMatrix.Max(state.Severity, severity);
                severityWeight += 0.5 + (0.5 * (int)severity);
            }

            evidence.Add(new Evidence("flag:" + rule.Id, Words(text, match)));
            state.RaiseFloor(rule.Floor ?? Rules.Floors.For(rule.Flag), rule.Id);
        }

        var themeMatches = new List<LexiconMatch<string>>();
        _themes.Match(text, themeMatches);
        foreach (var match in themeMatches)
        {
            AddDistinct(themes, match.Payload);
        }

        _categories.Match(text, categoryVotes);
        var category = MostVoted(categoryVotes) ?? KnownCategory(input.Category) ?? Rules.DefaultCategory;

        var claims = new List<LexiconMatch<bool>>();
        _scopeClaims.Match(text, claims);
        var claimedScope = Scope.Individual;
        foreach (var claim in claims)
        {
            if (!claim.Negated)
            {
                claimedScope = Scope.Group;
                evidence.Add(new Evidence("scope-claim", Words(text, claim)));
                fired++;
                break;
            }
        }

        // The customer's own "minor thing" keeps the text's severity minor; the flags keep their floors.
        var downplays = new List<LexiconMatch<bool>>();
        _downplays.Match(text, downplays);
        if (downplays.Find(d => !d.Negated) is { TokenCount: > 0 } downplay && state.Severity > Severity.Minor)
        {
            state.Severity = Severity.Minor;
            evidence.Add(new Evidence("downplay", Words(text, downplay)));
        }

        ApplyAnswersAndCustomer(input, ref state);

        // Praise in a text that names problems is more often sarcasm than praise: it counts for a third.
        var sentiment = _sentiment.Score(text, bias: -severityWeight, positiveScale: severityWeight > 0 ? 1.0 / 3 : 1);
        state.Confidence = fired == 0 ? 0.3 : Math.Min(0.9, 0.5 + (0.1 * fired));
        if (truncated)
        {
            state.Confidence *= 0.9;
        }

        return state.ToFindings(input.Locale, category, themes, sentiment, truncated, claimedScope);
    }

    /// <summary>
    /// The rules' decision: scope from the similar cases (and the text's claim), grade from the matrix, then the
    /// floor; the tier follows the grade.
    /// </summary>
    public Decision Decide(Findings findings, SimilarCases similar, ScopeThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentNullException.ThrowIfNull(thresholds);
        var evidenceScope = thresholds.ScopeOf(similar);
        var scope = GradeMatrix.Max(evidenceScope, findings.ClaimedScope);
        var matrix = GradeMatrix.Of(scope, findings.Severity);
        var grade = GradeMatrix.WithFloor(matrix, findings.Floor);
        var floorRaised = grade > matrix;
        var evidence = DecisionEvidence(findings, similar, evidenceScope, floorRaised, grade);
        var rationale = Rationale.Write(
            findings.Locale, MainEvidence(findings), grade, scope,
            evidenceScope > Scope.Individual ? similar.DistinctCustomers : null,
            floorRaised ? findings.FloorRule : null,
            FloorFlag(findings.FloorRule));
        return new Decision(scope, findings.Severity, grade, GradeMatrix.TierOf(grade), findings.Category, findings.Themes, findings.Sentiment,
            findings.Flags, rationale, findings.Confidence, AssessmentSources.Rules, findings.Floor, evidence, findings.Truncated);
    }

    /// <summary>
    /// The decision from a model's verdict: its severity, category, themes, sentiment and rationale are taken, but
    /// the scope is at least what the evidence says, the flags are the union of the rules' and the model's, and the
    /// grade never goes below the rules' floor (nor the floor of a flag only the model raised).
    /// </summary>
    public Decision Combine(Findings rules, ModelVerdict verdict, SimilarCases similar, ScopeThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(verdict);
        ArgumentNullException.ThrowIfNull(thresholds);
        var evidenceScope = thresholds.ScopeOf(similar);
        var scope = GradeMatrix.Max(GradeMatrix.Max(evidenceScope, verdict.Scope), rules.ClaimedScope);
        var flags = rules.Flags | verdict.Flags;
        var floor = rules.Floor;
        var floorRule = rules.FloorRule;
        foreach (var flag in (ReadOnlySpan<Signals>)[Signals.Safety, Signals.Legal, Signals.Churn, Signals.Vip, Signals.Repeat])
        {
            if ((verdict.Flags & flag) != 0 && (rules.Flags & flag) == 0 && Rules.Floors.For(flag) > floor)
            {
                floor = Rules.Floors.For(flag);
                floorRule = "model:" + FlagName(flag);
            }
        }

        var matrix = GradeMatrix.Of(scope, verdict.Severity);
        var grade = GradeMatrix.WithFloor(matrix, floor);
        var floorRaised = grade > matrix;
        var chinese = Rationale.IsChinese(rules.Locale);
        var rationale = verdict.Rationale.Trim();
        if (floorRaised)
        {
            var floorFlag = floorRule?.StartsWith("model:", StringComparison.Ordinal) == true ? FlagOf(floorRule[6..]) : FloorFlag(floorRule);
            var sentence = Rationale.FloorSentence(rules.Locale, grade, floorFlag);
            rationale = rationale.Length == 0 ? sentence : rationale + (chinese ? string.Empty : " ") + sentence;
        }

        var evidence = DecisionEvidence(rules with { Floor = floor, FloorRule = floorRule }, similar, evidenceScope, floorRaised, grade);
        evidence.Insert(0, new Evidence("model:verdict", $"{Rationale.SeverityName(verdict.Severity, false)}, {verdict.Scope.ToString().ToLowerInvariant()}"));
        var category = KnownCategory(verdict.Category) ?? rules.Category;
        return new Decision(scope, verdict.Severity, grade, GradeMatrix.TierOf(grade), category, verdict.Themes, Math.Clamp(verdict.Sentiment, -1, 1),
            flags, rationale, Math.Clamp(verdict.Confidence, 0, 1), AssessmentSources.Llm, floor, evidence, rules.Truncated);
    }

    /// <summary>Every Chinese run in the lexicons' terms: the words the segmenter must cut as units.</summary>
    private static string[] ChineseTerms(AssessmentRules rules)
    {
        var terms = rules.Lexicons.SelectMany(l =>
            l.Severity.SelectMany(r => r.Terms)
                .Concat(l.Flags.SelectMany(r => r.Terms))
                .Concat(l.Categories.SelectMany(g => g.Terms))
                .Concat(l.Themes.SelectMany(g => g.Terms))
                .Concat(l.ScopeClaims)
                .Concat(l.Downplays)
                .Concat(l.Sentiment.SelectMany(w => w.Terms))
                .Concat(l.Intensifiers.SelectMany(w => w.Terms)));
        return terms.SelectMany(TextAnalyzer.TermTokens).Where(t => t.Kind == TokenKind.Han).Select(t => t.Text).Distinct(StringComparer.Ordinal).ToArray();
    }

    private void ApplyAnswersAndCustomer(AssessmentInput input, ref State state)
    {
        foreach (var answer in input.Answers ?? [])
        {
            if (answer.Score is not { } score)
            {
                continue;
            }

            var low = string.Equals(answer.Metric, "nps", StringComparison.OrdinalIgnoreCase) ? score <= Rules.Answers.NpsAtMost : score <= Rules.Answers.RatingAtMost;
            if (low && state.Severity < Rules.Answers.RaiseTo)
            {
                state.Severity = Rules.Answers.RaiseTo;
                state.Evidence.Add(new Evidence("answer:low-score", $"{answer.StepId} = {score}"));
            }
        }

        if (input.Customer is not { } customer)
        {
            return;
        }

        if (customer.IsVip)
        {
            state.Flags |= Signals.Vip;
            state.Evidence.Add(new Evidence("customer:vip", "VIP"));
            state.RaiseFloor(Rules.Floors.Vip, "vip");
        }

        if (customer.CasesLast30Days >= Rules.Repeat.CasesLast30Days)
        {
            state.Flags |= Signals.Repeat;
            state.Evidence.Add(new Evidence("customer:repeat", $"{customer.CasesLast30Days} cases in 30 days"));
            state.RaiseFloor(Rules.Floors.Repeat, "repeat");
        }
    }

    private static List<Evidence> DecisionEvidence(Findings findings, SimilarCases similar, Scope evidenceScope, bool floorRaised, Grade grade)
    {
        var evidence = new List<Evidence>(findings.Evidence.Count + 2);
        evidence.AddRange(findings.Evidence);
        if (evidenceScope > Scope.Individual)
        {
            evidence.Add(new Evidence("scope:similar-cases", $"{similar.DistinctCustomers} customers, {similar.Cases} cases"));
        }

        if (floorRaised)
        {
            evidence.Add(new Evidence("floor:" + (findings.FloorRule ?? "rules"), Rationale.GradeName(grade, false)));
        }

        return evidence;
    }

    private Rationale.Main MainEvidence(Findings findings)
    {
        Rationale.Main? best = null;
        foreach (var item in findings.Evidence)
        {
            var rule = item.RuleId;
            if (rule.StartsWith("input:", StringComparison.Ordinal) && rule != "input:truncated")
            {
                return new Rationale.Main(Rationale.MainKind.Unreadable, Signals.None, Severity.Minor, item.Matched);
            }

            if (rule.StartsWith("flag:", StringComparison.Ordinal) && _flagById.TryGetValue(rule[5..], out var flag))
            {
                // Safety before legal before churn: the one a manager must read first.
                if (best is not { Kind: Rationale.MainKind.Flag } current || flag.Flag < current.Flag)
                {
                    best = new Rationale.Main(Rationale.MainKind.Flag, flag.Flag, flag.Severity ?? Severity.Minor, item.Matched);
                }
            }
            else if (rule.StartsWith("severity:", StringComparison.Ordinal) && _severityById.TryGetValue(rule[9..], out var severity)
                && best is not { Kind: Rationale.MainKind.Flag } && (best is not { } seen || severity.Severity > seen.Severity))
            {
                best = new Rationale.Main(Rationale.MainKind.Severity, Signals.None, severity.Severity, item.Matched);
            }
        }

        return best ?? default;
    }

    private Signals FloorFlag(string? floorRule) => floorRule switch
    {
        null => Signals.None,
        "vip" => Signals.Vip,
        "repeat" => Signals.Repeat,
        _ => _flagById.TryGetValue(floorRule, out var rule) ? rule.Flag : Signals.None,
    };

    private static string FlagName(Signals flag) => flag.ToString().ToLowerInvariant();

    private static Signals FlagOf(string name) => Enum.TryParse<Signals>(name, ignoreCase: true, out var flag) ? flag : Signals.None;

    private string? KnownCategory(string? category) =>
        category is not null && Rules.Categories.Contains(category) ? category : null;

    private static string? MostVoted(List<LexiconMatch<string>> votes)
    {
        string? best = null;
        var bestCount = 0;
        for (var i = 0; i < votes.Count; i++)
        {
            var count = 0;
            for (var j = 0; j < votes.Count; j++)
            {
                if (votes[j].Payload == votes[i].Payload)
                {
                    count++;
                }
            }

            if (count > bestCount)
            {
                best = votes[i].Payload;
                bestCount = count;
            }
        }

        return best;
    }

    private static void AddDistinct(List<string> list, string? item)
    {
        if (item is not null && !list.Contains(item))
        {
            list.Add(item);
        }
    }

    private static string Words<T>(AnalyzedText text, LexiconMatch<T> match) => text.TextOf(match.FirstToken, match.LastToken);

    /// <summary>Where to cut a text to at most <paramref name="max"/> chars without splitting a surrogate pair.</summary>
    private static int CutLength(string text, int max) => char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;

    private struct State(AssessmentRules rules, List<Evidence> evidence)
    {
        public Severity Severity = Severity.Minor;
        public Signals Flags = Signals.None;
        public Grade Floor = Grade.General;
        public string? FloorRule;
        public double Confidence;

        public readonly List<Evidence> Evidence => evidence;

        public void RaiseFloor(Grade floor, string rule)
        {
            if (floor > Floor)
            {
                Floor = floor;
                FloorRule = rule;
            }
        }

        public readonly Findings ToFindings(string locale, string category, IReadOnlyList<string> themes, double sentiment, bool truncated, Scope claimedScope) =>
            new(locale, Severity, category, themes, sentiment, Flags, Floor, Confidence, Evidence, truncated, claimedScope, FloorRule);

        public readonly AssessmentRules Rules => rules;
    }
}
