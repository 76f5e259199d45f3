#pragma warning disable CA1822, CA1062 // temporary stub, replaced at merge
namespace ChatFeedback.Assessment;

// TEMPORARY on the assess branch only: the shape of the rules API being built on the rules branch, so the host can be
// built beside it. Replaced by the real implementation at merge; never lands on main.

public sealed record ScopeThresholds(int GroupAt, int WidespreadAt);

public sealed record AssessmentRuleError(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

public sealed class AssessmentRules
{
    public string Version { get; init; } = "pending";
}

public sealed record AssessmentRulesLoadResult(AssessmentRules? Rules, IReadOnlyList<AssessmentRuleError> Errors);

public static class AssessmentRulesLoader
{
    public static AssessmentRulesLoadResult LoadDirectory(string directory) =>
        Directory.Exists(directory) ? new(new AssessmentRules(), []) : new(null, [new AssessmentRuleError(directory, 0, 0, "missing")]);
}

public sealed class RulesAssessor(AssessmentRules rules, int maxTextLength = 4000)
{
    public AssessmentRules Rules => rules;

    public Findings Analyze(AssessmentInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var text = input.Text.Length > maxTextLength ? input.Text[..maxTextLength] : input.Text;
        var safety = text.Contains("burn", StringComparison.OrdinalIgnoreCase) || text.Contains("烫伤", StringComparison.Ordinal);
        return new Findings(input.Locale, safety ? Severity.Severe : Severity.Moderate, input.Category ?? "other", [], -0.5,
            safety ? Signals.Safety : Signals.None, safety ? Grade.Major : Grade.General, 0.5, [], input.Text.Length > maxTextLength);
    }

    public Decision Decide(Findings findings, SimilarCases similar, ScopeThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentNullException.ThrowIfNull(similar);
        ArgumentNullException.ThrowIfNull(thresholds);
        var scope = similar.DistinctCustomers >= thresholds.WidespreadAt ? Scope.Widespread : similar.DistinctCustomers >= thresholds.GroupAt ? Scope.Group : Scope.Individual;
        var grade = (Grade)Math.Max((int)findings.Floor, Math.Min(2, (int)scope + (int)findings.Severity));
        return new Decision(scope, findings.Severity, grade, (Tier)(int)grade, findings.Category, findings.Themes, findings.Sentiment, findings.Flags,
            "pending", findings.Confidence, AssessmentSources.Rules, findings.Floor, findings.Evidence, findings.Truncated);
    }

    public Decision Combine(Findings findings, ModelVerdict verdict, SimilarCases similar, ScopeThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var rules = Decide(findings with { Severity = verdict.Severity }, similar, thresholds);
        return rules with { Rationale = verdict.Rationale, Source = AssessmentSources.Llm, Flags = rules.Flags | verdict.Flags };
    }
}

public static class ContactMasker
{
    public static string Mask(string text) =>
        System.Text.RegularExpressions.Regex.Replace(
            System.Text.RegularExpressions.Regex.Replace(
                System.Text.RegularExpressions.Regex.Replace(text ?? "", @"\S+@\S+", "[email]"), @"#?\d{8,}", "[order]"),
            @"\+?\d[\d\s-]{6,}\d", "[phone]");
}
