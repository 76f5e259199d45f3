namespace ChatFeedback.Assessment;

/// <summary>
/// What the rules read in a complaint before its scope is settled: severity, category, themes, sentiment, flags, the
/// minimum grade the safety, legal and VIP rules set (no model output may go below it), and the evidence for each.
/// </summary>
/// <param name="Truncated">The text was cut to the configured limit before it was read.</param>
/// <param name="ClaimedScope">The scope the text itself claims ("everyone on our street"); evidence can only raise it.</param>
/// <param name="FloorRule">The id of the rule that set <paramref name="Floor"/> ("vip", "repeat" or a flag rule's id), if any.</param>
public sealed record Findings(
    string Locale,
    Severity Severity,
    string Category,
    IReadOnlyList<string> Themes,
    double Sentiment,
    Signals Flags,
    Grade Floor,
    double Confidence,
    IReadOnlyList<Evidence> Evidence,
    bool Truncated,
    Scope ClaimedScope = Scope.Individual,
    string? FloorRule = null);

/// <summary>What a language model said about a complaint, once its reply passed the schema (the host parses it).</summary>
/// <param name="Scope">The scope the text itself claims ("everyone in our office"); evidence can only raise it.</param>
public sealed record ModelVerdict(
    Severity Severity,
    Scope Scope,
    string Category,
    IReadOnlyList<string> Themes,
    double Sentiment,
    Signals Flags,
    string Rationale,
    double Confidence);

/// <summary>A complaint's decision: the fields of the decision record the host stores with the case.</summary>
/// <param name="Source">One of <see cref="AssessmentSources"/>.</param>
/// <param name="FallbackReason">Why the model's verdict was not used, when <see cref="Source"/> is <c>rules-fallback</c>.</param>
public sealed record Decision(
    Scope Scope,
    Severity Severity,
    Grade Grade,
    Tier Tier,
    string Category,
    IReadOnlyList<string> Themes,
    double Sentiment,
    Signals Flags,
    string Rationale,
    double Confidence,
    string Source,
    Grade Floor,
    IReadOnlyList<Evidence> Evidence,
    bool Truncated,
    string? FallbackReason = null);
