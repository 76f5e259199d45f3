using ChatFeedback.Bot.Tests.Support;

namespace ChatFeedback.Bot.Tests.Assessment;

/// <summary>
/// <c>flows validate</c> checks the severity rules beside the flows (the built executable, as a product team runs it):
/// valid rules are named with their version, a broken lexicon fails the run with file:line.
/// </summary>
public sealed class FlowsValidateAssessmentTests : IDisposable
{
    private readonly TempDirectory _repo = new();

    public FlowsValidateAssessmentTests()
    {
        Copy(RepoPaths.Flows, Path.Combine(_repo.Path, "flows"));
        Copy(Path.Combine(RepoPaths.Root, "dialogs", "assessment"), Path.Combine(_repo.Path, "assessment"));
    }

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task ValidRulesAreReportedWithTheirVersion()
    {
        var result = await BotProcess.RunAsync(_repo.Path, "flows", "validate", "flows");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Matches(@"assessment rules rules-[0-9a-f]{12} valid in .*assessment \(en, zh-CN; prompt complaint-assessment@1\)", result.Output);
    }

    [Fact]
    public async Task ABrokenLexiconFailsValidateWithFileAndLine()
    {
        var lexicon = Path.Combine(_repo.Path, "assessment", "lexicon.zh-CN.yaml");
        var lines = File.ReadAllLines(lexicon).ToList();
        var at = lines.FindIndex(l => l.Contains("severity: moderate", StringComparison.Ordinal));
        lines[at] = lines[at].Replace("moderate", "awful", StringComparison.Ordinal);
        File.WriteAllLines(lexicon, lines);

        var result = await BotProcess.RunAsync(_repo.Path, "flows", "validate", "flows");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"lexicon.zh-CN.yaml:{at + 1}:", result.Output, StringComparison.Ordinal);
        Assert.Contains("'awful' is not one of minor, moderate, severe", result.Output, StringComparison.Ordinal);
        Assert.Contains("1 error(s) in", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingPromptIsAnError()
    {
        Directory.Delete(Path.Combine(_repo.Path, "assessment", "prompts"), recursive: true);

        var result = await BotProcess.RunAsync(_repo.Path, "flows", "validate", "flows");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("No prompt complaint-assessment.v<n>.md", result.Output, StringComparison.Ordinal);
    }

    private static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
