namespace ChatFeedback.Assessment.Tests;

/// <summary>
/// The rules over the committed labelled sets: the figures in the closing note are floors here, so a rules edit
/// that makes them worse fails the build. The report goes to the test output for reading.
/// </summary>
public sealed class LabelledSetEvaluationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("complaints.csv", 0.85, 0.95)]
    [InlineData("complaints-holdout.csv", 0, 0)]
    public void RulesMeetTheirReportedFigures(string file, double accuracy, double majorRecall)
    {
        var read = LabelledSet.ReadFile(Path.Combine(RepositoryRules.Folder, "labelled", file));
        Assert.Empty(read.Errors);
        var report = Evaluation.Run(read.Items, (input, similar) => RepositoryRules.Assessor.Assess(input, similar, ScopeThresholds.Default));
        output.WriteLine(report.Format($"rules on {file}"));
        Assert.True(report.Accuracy >= accuracy, $"accuracy {report.Accuracy:0.000} < {accuracy}");
        Assert.True(report.MajorRecall >= majorRecall, $"recall of major {report.MajorRecall:0.000} < {majorRecall}");
    }
}
