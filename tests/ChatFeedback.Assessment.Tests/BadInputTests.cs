namespace ChatFeedback.Assessment.Tests;

public sealed class BadInputTests
{
    private static Findings Analyze(string text, string locale = "en") =>
        RepositoryRules.Assessor.Analyze(RulesAssessorTests.Input(text, locale));

    [Theory]
    [InlineData("", "input:empty")]
    [InlineData("   \n ", "input:empty")]
    [InlineData("😡😡😡", "input:emoji-only")]
    [InlineData("\u0001\u0002\u0003\u0004\u0005\u0006", "input:binary")]
    public void UnreadableTextGivesAClearLowConfidenceRecord(string text, string rule)
    {
        var findings = Analyze(text);
        Assert.Contains(findings.Evidence, e => e.RuleId == rule);
        Assert.True(findings.Confidence <= 0.1);
        Assert.Equal(Severity.Minor, findings.Severity);
        var decision = RepositoryRules.Assessor.Decide(findings, new SimilarCases(0, 0), ScopeThresholds.Default);
        Assert.Equal(Grade.General, decision.Grade);
        Assert.StartsWith("Nothing readable", decision.Rationale, StringComparison.Ordinal);
    }

    [Fact]
    public void BinaryBytesAreRecognised()
    {
        var bytes = new byte[1000];
        new Random(3).NextBytes(bytes);
        var findings = Analyze(System.Text.Encoding.Latin1.GetString(bytes));
        Assert.Contains(findings.Evidence, e => e.RuleId == "input:binary");
        Assert.True(findings.Confidence <= 0.1);
    }

    [Fact]
    public void AnUnreadableVipComplaintStillKeepsTheVipFloor()
    {
        var input = RulesAssessorTests.Input("👍") with { Customer = new CustomerContext(true, "test", 0, true), Category = "billing" };
        var findings = RepositoryRules.Assessor.Analyze(input);
        Assert.Equal(Grade.Significant, findings.Floor);
        Assert.Equal("billing", findings.Category);
    }

    [Fact]
    public void VeryLongTextIsCutAndSaysSo()
    {
        var text = "The parcel was late. " + new string('x', 100_000) + " It burned my hand.";
        var findings = Analyze(text);
        Assert.True(findings.Truncated);
        Assert.Contains(findings.Evidence, e => e.RuleId == "input:truncated");
        Assert.False(findings.Flags.HasFlag(Signals.Safety));
        Assert.True(RepositoryRules.Assessor.Decide(findings, new SimilarCases(0, 0), ScopeThresholds.Default).Truncated);
    }

    [Fact]
    public void ACutNeverSplitsASurrogatePair()
    {
        var max = RepositoryRules.Assessor.Rules.MaxTextLength;
        var text = new string('a', max - 1) + "😡😡";
        Assert.True(Analyze(text).Truncated);
    }

    [Fact]
    public void LongChineseTextIsReadWithoutError()
    {
        var findings = Analyze(string.Concat(Enumerable.Repeat("快递晚了三天，屏幕碎了。", 2000)), "zh-CN");
        Assert.True(findings.Truncated);
        Assert.Equal(Severity.Moderate, findings.Severity);
    }

    [Fact]
    public void NullListsAndCustomerAreTolerated()
    {
        var input = new AssessmentInput("The screen is cracked.", "en", null!, null!);
        Assert.Equal(Severity.Moderate, RepositoryRules.Assessor.Analyze(input).Severity);
    }
}
