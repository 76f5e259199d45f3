namespace ChatFeedback.Assessment;

/// <summary>
/// The rules the assessment reads complaints by, loaded from <c>dialogs/assessment</c>: <c>rules.yaml</c> (grades,
/// floors, limits) and one <c>lexicon.&lt;locale&gt;.yaml</c> per locale (the words). Every lexicon is matched
/// against every text, whatever its locale, so a Chinese complaint with English words in it is read in full.
/// </summary>
public sealed record AssessmentRules(
    IReadOnlyList<string> Locales,
    int MaxTextLength,
    IReadOnlyList<string> Categories,
    IReadOnlyList<string> Themes,
    string DefaultCategory,
    Floors Floors,
    RepeatRule Repeat,
    AnswerRule Answers,
    IReadOnlyList<Lexicon> Lexicons)
{
    /// <summary>
    /// Which rules graded a case: a digest of the files' contents (<c>rules-</c> and 12 hex digits), recorded with
    /// every decision so a grade can be traced to the exact words that gave it.
    /// </summary>
    public string Version { get; init; } = "rules-unversioned";
}

/// <summary>The minimum grade each flag sets: no model output may go below it.</summary>
public sealed record Floors(Grade Safety, Grade Legal, Grade Churn, Grade Vip, Grade Repeat)
{
    public Grade For(Signals flag) => flag switch
    {
        Signals.Safety => Safety,
        Signals.Legal => Legal,
        Signals.Churn => Churn,
        Signals.Vip => Vip,
        Signals.Repeat => Repeat,
        _ => Grade.General,
    };
}

/// <summary>A customer with at least <paramref name="CasesLast30Days"/> earlier cases in 30 days is a repeat complainant.</summary>
public sealed record RepeatRule(int CasesLast30Days);

/// <summary>
/// A flow answer at or below these scores (a 1–5 rating, or NPS 0–10) raises the complaint's severity to at least
/// <paramref name="RaiseTo"/>: the customer's own rating says it is not a trifle.
/// </summary>
public sealed record AnswerRule(int RatingAtMost, int NpsAtMost, Severity RaiseTo);

/// <summary>
/// The words of one locale. <see cref="Downplays"/> are the customer's own "minor thing", "小问题": the severity
/// stays minor (flags and their floors still apply).
/// </summary>
public sealed record Lexicon(
    string Locale,
    string File,
    IReadOnlyList<SeverityRule> Severity,
    IReadOnlyList<FlagRule> Flags,
    IReadOnlyList<TermGroup> Categories,
    IReadOnlyList<TermGroup> Themes,
    IReadOnlyList<string> ScopeClaims,
    IReadOnlyList<string> Downplays,
    IReadOnlyList<WeightedTerms> Sentiment,
    IReadOnlyList<WeightedTerms> Intensifiers);

/// <summary>
/// Words that say how bad a complaint is. With <paramref name="WhenNegated"/> the words count only when negated
/// ("never arrived", "没收到": <c>arrive</c> / <c>收到</c> under a negation); otherwise only when not negated.
/// </summary>
public sealed record SeverityRule(string Id, Severity Severity, string? Category, string? Theme, bool WhenNegated, IReadOnlyList<string> Terms);

/// <summary>
/// Words that raise a flag (safety, legal, churn), with the flag's floor or a stronger one of the rule's own
/// (a regulator or the press sets major where a lawyer sets significant), and optionally a severity.
/// </summary>
public sealed record FlagRule(string Id, Signals Flag, Grade? Floor, Severity? Severity, bool WhenNegated, IReadOnlyList<string> Terms);

/// <summary>Words naming a category or theme.</summary>
public sealed record TermGroup(string Name, IReadOnlyList<string> Terms);

/// <summary>Words with a weight (sentiment) or factor (intensifiers).</summary>
public sealed record WeightedTerms(double Weight, IReadOnlyList<string> Terms);

/// <summary>One problem in a rules or lexicon file.</summary>
public sealed record AssessmentRulesError(string File, int Line, int Column, string Path, string Message)
{
    public override string ToString() =>
        Path.Length == 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}:{Line}:{Column}: {Path}: {Message}";
}

/// <summary>The rules, or every error found in their files.</summary>
public sealed record AssessmentRulesLoadResult(AssessmentRules? Rules, IReadOnlyList<AssessmentRulesError> Errors)
{
    public bool Succeeded => Rules is not null && Errors.Count == 0;

    public AssessmentRules GetRulesOrThrow() => Succeeded ? Rules! : throw new InvalidAssessmentRulesException(Errors);
}

/// <summary>Thrown when the rules the service must run with do not load; the message lists every error.</summary>
public sealed class InvalidAssessmentRulesException : Exception
{
    public InvalidAssessmentRulesException(IReadOnlyList<AssessmentRulesError> errors)
        : base($"The assessment rules are invalid ({errors.Count} error(s)):{Environment.NewLine}" + string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    public InvalidAssessmentRulesException()
        : this([])
    {
    }

    public InvalidAssessmentRulesException(string message)
        : base(message)
    {
        Errors = [];
    }

    public InvalidAssessmentRulesException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public IReadOnlyList<AssessmentRulesError> Errors { get; }
}

/// <summary>A rules file's text and the name to report it by.</summary>
public sealed record RulesSource(string File, string Text);

/// <summary>
/// Distinct customers with similar cases in the window from which a complaint's scope is group or widespread
/// (the host's configuration).
/// </summary>
public sealed record ScopeThresholds(int GroupCustomers, int WidespreadCustomers)
{
    /// <summary>Group from 3 customers, widespread from 10: what the labelled set is graded with.</summary>
    public static ScopeThresholds Default { get; } = new(3, 10);

    public Scope ScopeOf(SimilarCases similar)
    {
        ArgumentNullException.ThrowIfNull(similar);
        return similar.DistinctCustomers >= WidespreadCustomers ? Scope.Widespread
            : similar.DistinctCustomers >= GroupCustomers ? Scope.Group
            : Scope.Individual;
    }

    /// <summary>What is wrong with these thresholds, or null: group at least 2, widespread above group.</summary>
    public string? Problem() =>
        GroupCustomers < 2 ? "the group threshold must be at least 2 customers"
        : WidespreadCustomers <= GroupCustomers ? "the widespread threshold must be above the group threshold"
        : null;
}
