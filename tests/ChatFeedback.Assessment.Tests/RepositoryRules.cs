namespace ChatFeedback.Assessment.Tests;

/// <summary>The repository's own rules (dialogs/assessment), loaded once for all tests.</summary>
internal static class RepositoryRules
{
    private static readonly Lazy<RulesAssessor> Shared = new(() => new RulesAssessor(AssessmentRulesLoader.LoadDirectory(Folder).GetRulesOrThrow()));

    public static RulesAssessor Assessor => Shared.Value;

    public static string Folder => Path.Combine(Root, "dialogs", "assessment");

    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ChatFeedback.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new DirectoryNotFoundException($"No ChatFeedback.sln above {AppContext.BaseDirectory}.");
        }
    }

    public static Decision Assess(string text, string locale = "en", int similar = 0, bool vip = false, int cases = 0, string? category = null) =>
        Assessor.Assess(
            new AssessmentInput(text, locale, [], new CustomerContext(vip, "test", cases, HasPurchase: true), category),
            new SimilarCases(similar, similar),
            ScopeThresholds.Default);
}
