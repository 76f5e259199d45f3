using ChatFeedback.Bot.Flows;
using ChatFeedback.Bot.Tests.Support;

namespace ChatFeedback.Bot.Tests.Flows;

public sealed class FlowsCliTests
{
    private static (int ExitCode, string Output) Run(string stdin, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var input = new StringReader(stdin);
        var exitCode = new FlowsCli(input, output, error, TimeProvider.System).Run(["flows", .. args]);
        return (exitCode, output + error.ToString());
    }

    [Fact]
    public void ValidateOnTheRepositoryFlowsExitsZeroAndListsThem()
    {
        var (exitCode, output) = Run("", "validate", RepoPaths.Flows);

        Assert.True(exitCode == 0, output);
        Assert.Matches(@"\d+ flows valid", output);
        Assert.Contains("post-purchase-survey v", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateOnAFlowSetWithAnErrorExitsOneAndPrintsFileAndLine()
    {
        using var flows = TempDirectory.WithRepoFlows();
        flows.Write(BrokenFlows.FileName, BrokenFlows.DanglingNext);

        var (exitCode, output) = Run("", "validate", flows.Path);

        Assert.Equal(1, exitCode);
        Assert.Matches(@"broken\.yaml:\d+:\d+", output);
    }

    [Fact]
    public void TestRunsEveryRepositoryTranscriptAndExitsZero()
    {
        var (exitCode, output) = Run("", "test", RepoPaths.Flows);

        Assert.True(exitCode == 0, output);
        Assert.Contains("PASS", output, StringComparison.Ordinal);
        Assert.DoesNotContain("FAIL", output, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownSubcommandPrintsUsageAndExitsTwo()
    {
        var (exitCode, output) = Run("", "frobnicate");

        Assert.Equal(2, exitCode);
        Assert.Contains("usage", output, StringComparison.Ordinal);
    }

    [Fact]
    public void SimulateOfAnUnknownFlowExitsOne()
    {
        var (exitCode, output) = Run("", "simulate", "no-such-flow", "--dir", RepoPaths.Flows);

        Assert.Equal(1, exitCode);
        Assert.Contains("no-such-flow", output, StringComparison.Ordinal);
    }

    [Fact]
    public void SimulateStopsAtEndOfInput()
    {
        var (exitCode, output) = Run("", "simulate", "post-purchase-survey", "--dir", RepoPaths.Flows);

        Assert.Equal(0, exitCode);
        Assert.Contains("[1] ", output, StringComparison.Ordinal);
    }

    [Fact]
    public void SimulateCompletesTheSurveyOnTheDetractorPathAndShowsTheCase()
    {
        // Typed labels, button numbers ([1] is "Very satisfied" on the descending scale), a skip and a typed yes.
        const string Answers = """
            very dissatisfied
            1
            1
            1
            3
            1
            skip
            yes
            """;

        var (exitCode, output) = Run(Answers, "simulate", "post-purchase-survey", "--locale", "en", "--dir", RepoPaths.Flows);

        Assert.True(exitCode == 0, output);
        Assert.Contains("[1] Very satisfied", output, StringComparison.Ordinal);
        Assert.Contains("  -> effect AnswerRecorded step=product_quality value=1", output, StringComparison.Ordinal);
        Assert.Contains("  -> effect OpenCase category=detractor severity=Moderate", output, StringComparison.Ordinal);
        Assert.Contains("  -> effect ScheduleFollowUp flow=follow-up after=48h", output, StringComparison.Ordinal);
        Assert.Contains("(conversation ended)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void SimulateSpeaksTheRequestedLocale()
    {
        var (exitCode, output) = Run("/quit\n", "simulate", "post-purchase-survey", "--locale", "zh-CN", "--dir", RepoPaths.Flows);

        Assert.Equal(0, exitCode);
        Assert.Contains("非常满意", output, StringComparison.Ordinal);
    }
}
