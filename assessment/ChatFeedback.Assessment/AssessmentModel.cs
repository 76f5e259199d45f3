namespace ChatFeedback.Assessment;

// The vocabulary of a complaint's assessment (DESIGN.md, "Grading"): scope × severity gives the grade, the grade the
// tier that must take it. Shared by the rules, the language model's reply and the decision records the host stores.

public enum Scope
{
    Individual,
    Group,
    Widespread,
}

public enum Severity
{
    Minor,
    Moderate,
    Severe,
}

public enum Grade
{
    General,
    Significant,
    Major,
}

public enum Tier
{
    FrontLine,
    DepartmentLead,
    SeniorManagement,
}

/// <summary>The flags a complaint raises beyond its grade (CA1711 keeps "Flags" out of the name); each can come from a rule, the model or the customer's record.</summary>
[Flags]
public enum Signals
{
    None = 0,
    Safety = 1,
    Legal = 2,
    Churn = 4,
    Repeat = 8,
    Vip = 16,
}

/// <summary>Where a decision came from.</summary>
public static class AssessmentSources
{
    public const string Rules = "rules";
    public const string Llm = "llm";
    public const string RulesFallback = "rules-fallback";
    public const string Agent = "agent";
}

/// <summary>One answer of the flow that opened the case, as the assessment sees it.</summary>
public sealed record AnswerFact(string StepId, string Value, int? Score, string? Metric, string? Dimension);

/// <summary>What the service knows about the customer when the complaint arrives.</summary>
/// <param name="CasesLast30Days">Cases this customer opened in the 30 days before this one (this one excluded).</param>
public sealed record CustomerContext(bool IsVip, string Channel, int CasesLast30Days, bool HasPurchase, decimal? OrderAmount = null);

/// <summary>A complaint to assess: the customer's words (complaint and follow-ups), the flow's answers, and context.</summary>
/// <param name="Category">The category the flow gave the case (e.g. the customer's choice), when it has one.</param>
public sealed record AssessmentInput(string Text, string Locale, IReadOnlyList<AnswerFact> Answers, CustomerContext Customer, string? Category = null);

/// <summary>A rule or lexicon entry that fired, with the words that made it fire: the decision's evidence.</summary>
public sealed record Evidence(string RuleId, string Matched);

/// <summary>
/// How many recent cases are like this one (same category or theme) inside the configured sliding window: the evidence
/// that raises an individual complaint's scope. Counted by the host, since only it reads the records.
/// </summary>
public sealed record SimilarCases(int Cases, int DistinctCustomers);
