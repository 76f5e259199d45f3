using System.Globalization;
using System.Text;

namespace ChatFeedback.Assessment;

/// <summary>A labelled complaint the assessment graded differently, and what it decided.</summary>
public sealed record Disagreement(LabelledComplaint Item, Decision Decision);

/// <summary>Precision and recall of one grade.</summary>
public sealed record GradeFigures(Grade Grade, int Expected, int Predicted, int Correct)
{
    public double Precision => Predicted == 0 ? 1 : (double)Correct / Predicted;

    public double Recall => Expected == 0 ? 1 : (double)Correct / Expected;
}

/// <summary>How many labelled complaints expected a flag, and how many of them the assessment raised it for.</summary>
public sealed record FlagFigures(Signals Flag, int Expected, int Found)
{
    public double Recall => Expected == 0 ? 1 : (double)Found / Expected;
}

/// <summary>
/// The figures of one assessment over a labelled set. <see cref="Confusion"/>[expected][decided] counts
/// complaints by grade (general, significant, major).
/// </summary>
public sealed record EvaluationReport(
    int Count,
    int Correct,
    IReadOnlyList<IReadOnlyList<int>> Confusion,
    IReadOnlyList<GradeFigures> Grades,
    IReadOnlyList<FlagFigures> Flags,
    int ScopeLabelled,
    int ScopeCorrect,
    IReadOnlyList<Disagreement> Disagreements)
{
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;

    public double MajorRecall => Grades[(int)Grade.Major].Recall;

    public double ScopeAccuracy => ScopeLabelled == 0 ? 1 : (double)ScopeCorrect / ScopeLabelled;

    /// <summary>The report as the CLI prints it.</summary>
    public string Format(string title)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"{title}: {Count} complaints");
        text.AppendLine(c, $"  accuracy        {Accuracy:0.000} ({Correct}/{Count})");
        text.AppendLine(c, $"  recall of major {MajorRecall:0.000} ({Grades[2].Correct}/{Grades[2].Expected})");
        text.AppendLine(c, $"  scope accuracy  {ScopeAccuracy:0.000} ({ScopeCorrect}/{ScopeLabelled})");
        text.AppendLine("  confusion (rows: expected, columns: decided)");
        text.AppendLine("                  general significant   major");
        foreach (var grade in Enum.GetValues<Grade>())
        {
            var row = Confusion[(int)grade];
            text.AppendLine(c, $"    {Rationale.GradeName(grade, false),-12} {row[0],8} {row[1],11} {row[2],7}");
        }

        text.AppendLine("  per grade        precision  recall");
        foreach (var figures in Grades)
        {
            text.AppendLine(c, $"    {Rationale.GradeName(figures.Grade, false),-12} {figures.Precision,10:0.000} {figures.Recall,7:0.000}");
        }

        text.AppendLine("  flag recall");
        foreach (var flag in Flags)
        {
            text.AppendLine(c, $"    {flag.Flag.ToString().ToLowerInvariant(),-12} {flag.Recall,10:0.000} ({flag.Found}/{flag.Expected})");
        }

        text.AppendLine(c, $"  disagreements ({Disagreements.Count})");
        foreach (var (item, decision) in Disagreements)
        {
            var words = item.Text.ReplaceLineEndings(" ");
            text.AppendLine(c, $"    line {item.Line} [{item.Locale}] expected {Rationale.GradeName(item.ExpectedGrade, false)}, decided {Rationale.GradeName(decision.Grade, false)}: {words}");
            text.AppendLine(c, $"      {decision.Rationale}");
        }

        return text.ToString();
    }
}

/// <summary>
/// Runs an assessment over a labelled set: the rules' (<see cref="RulesAssessor.Assess"/>) or the host's model path;
/// both take the complaint and its simulated similar cases.
/// </summary>
public static class Evaluation
{
    private static readonly Signals[] ReportedFlags = [Signals.Safety, Signals.Legal, Signals.Churn, Signals.Repeat, Signals.Vip];

    public static EvaluationReport Run(IEnumerable<LabelledComplaint> items, Func<AssessmentInput, SimilarCases, Decision> assess)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(assess);
        var confusion = new int[3][];
        for (var i = 0; i < 3; i++)
        {
            confusion[i] = new int[3];
        }

        var count = 0;
        var correct = 0;
        var scopeLabelled = 0;
        var scopeCorrect = 0;
        var flagExpected = new int[ReportedFlags.Length];
        var flagFound = new int[ReportedFlags.Length];
        var disagreements = new List<Disagreement>();
        foreach (var item in items)
        {
            var decision = assess(item.ToInput(), item.ToSimilarCases());
            count++;
            confusion[(int)item.ExpectedGrade][(int)decision.Grade]++;
            if (decision.Grade == item.ExpectedGrade)
            {
                correct++;
            }
            else
            {
                disagreements.Add(new Disagreement(item, decision));
            }

            if (item.ExpectedScope is { } scope)
            {
                scopeLabelled++;
                scopeCorrect += decision.Scope == scope ? 1 : 0;
            }

            for (var f = 0; f < ReportedFlags.Length; f++)
            {
                var flag = ReportedFlags[f];
                var expected = (item.ExpectedFlags & flag) != 0
                    || (flag == Signals.Vip && item.Vip);
                if (expected)
                {
                    flagExpected[f]++;
                    flagFound[f] += (decision.Flags & flag) != 0 ? 1 : 0;
                }
            }
        }

        var grades = Enum.GetValues<Grade>()
            .Select(g => new GradeFigures(g, confusion[(int)g].Sum(), confusion.Sum(row => row[(int)g]), confusion[(int)g][(int)g]))
            .ToList();
        var flags = ReportedFlags.Select((flag, f) => new FlagFigures(flag, flagExpected[f], flagFound[f])).Where(f => f.Expected > 0).ToList();
        return new EvaluationReport(count, correct, confusion, grades, flags, scopeLabelled, scopeCorrect, disagreements);
    }
}
