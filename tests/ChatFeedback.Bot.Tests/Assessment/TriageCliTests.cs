using ChatFeedback.Bot.Assessment;
using ChatFeedback.Bot.Tests.Support;

namespace ChatFeedback.Bot.Tests.Assessment;

/// <summary>
/// <c>triage assess|evaluate</c>: the built executable from a folder outside the repository (the rules travel with the
/// build, the CSV is from where the person stands), and in process with the model as a WireMock stub.
/// </summary>
public sealed class TriageCliTests : IDisposable
{
    private const string Header = "text,locale,expected_grade,expected_scope,expected_flags,similar_customers,vip,cases_30d,category,note";

    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private string WriteSet(params string[] rows)
    {
        File.WriteAllLines(Path.Combine(_folder.Path, "set.csv"), [Header, .. rows]);
        return "set.csv";
    }

    [Fact]
    public async Task EvaluateReportsAccuracyRecallOfMajorAndTheDisagreements()
    {
        var file = WriteSet(
            "\"The kettle burned my hand when the lid flew off.\",en,major,individual,safety,0,false,0,,",
            "\"水壶盖子弹开，把我的手烫伤了。\",zh-CN,major,individual,safety,0,false,0,,",
            "\"The box was a little dented, the shoes are fine.\",en,general,individual,,0,false,0,,",
            // Labelled major on purpose: the rules call it general, so it must be listed as a disagreement.
            "\"The box was a little dented, nothing else.\",en,major,individual,,0,false,0,,");

        var result = await BotProcess.RunAsync(_folder.Path, "triage", "evaluate", file);

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("4 complaints", result.Output, StringComparison.Ordinal);
        Assert.Contains("accuracy        0.750 (3/4)", result.Output, StringComparison.Ordinal);
        Assert.Contains("recall of major 0.667 (2/3)", result.Output, StringComparison.Ordinal);
        Assert.Contains("safety            1.000 (2/2)", result.Output, StringComparison.Ordinal);
        Assert.Contains("disagreements (1)", result.Output, StringComparison.Ordinal);
        Assert.Contains("line 5 [en] expected major, decided general: The box was a little dented, nothing else.", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("model", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadRowIsNamedWithItsLineAndNothingIsReported()
    {
        var file = WriteSet(
            "\"The kettle burned my hand.\",en,major,individual,safety,0,false,0,,",
            "\"Late again.\",en,catastrophic,individual,,0,false,0,,");

        var result = await BotProcess.RunAsync(_folder.Path, "triage", "evaluate", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("3", result.Error, StringComparison.Ordinal);
        Assert.Contains("catastrophic", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("accuracy", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingFileNamesTheFullPathTried()
    {
        var result = await BotProcess.RunAsync(_folder.Path, "triage", "evaluate", "missing.csv");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(Path.Combine(_folder.Path, "missing.csv"), result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownTriageCommandPrintsTheUsage()
    {
        var result = await BotProcess.RunAsync(_folder.Path, "triage", "grade-everything");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("triage evaluate <file.csv>", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssessPrintsOneDecisionRecordInTheCasesLanguage()
    {
        var result = await BotProcess.RunAsync(_folder.Path, "triage", "assess", "充电器冒烟了，差点着火！", "--locale", "zh-CN");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        using var json = System.Text.Json.JsonDocument.Parse(result.Output);
        Assert.Equal("major", json.RootElement.GetProperty("grade").GetString());
        Assert.Equal("rules", json.RootElement.GetProperty("source").GetString());
        Assert.Contains("safety", json.RootElement.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", json.RootElement.GetProperty("rationale").GetString()!);
    }

    [Fact]
    public async Task WithAModelEvaluateReportsTheModelsFiguresToo()
    {
        using var model = new ChatCompletionsStub();
        // Every complaint the model reads is moderate; the rules' safety floor still makes the burn major.
        model.Reply(ChatCompletionsStub.Ok(ChatCompletionsStub.Verdict(severity: "moderate", rationale: "Moderate.")));
        var file = Path.Combine(_folder.Path, WriteSet(
            "\"The kettle burned my hand when the lid flew off.\",en,major,individual,safety,0,false,0,,",
            "\"The box was a little dented, the shoes are fine.\",en,general,individual,,0,false,0,,"));
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await new TriageCli(output, error).RunAsync(
            ["evaluate", file, $"--Llm:Endpoint={model.Endpoint}", "--Llm:Model=stub-model", "--Llm:Enabled=true"]);

        Assert.True(exit == 0, error.ToString());
        var text = output.ToString();
        var modelPart = text[text.IndexOf("model stub-model", StringComparison.Ordinal)..];
        Assert.Contains("(0 of 2 fell back to the rules)", modelPart, StringComparison.Ordinal);
        Assert.Contains("recall of major 1.000 (1/1)", modelPart, StringComparison.Ordinal);
        Assert.Contains("accuracy        0.500 (1/2)", modelPart, StringComparison.Ordinal);
        Assert.Equal(2, model.Calls);
    }
}
