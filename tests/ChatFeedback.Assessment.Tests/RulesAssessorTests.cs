namespace ChatFeedback.Assessment.Tests;

/// <summary>Every rule kind of the repository's rules, in English and Chinese.</summary>
public sealed class RulesAssessorTests
{
    private static Decision Assess(string text, string locale = "en", int similar = 0, bool vip = false, int cases = 0, string? category = null) =>
        RepositoryRules.Assess(text, locale, similar, vip, cases, category);

    [Theory]
    [InlineData("The screen is cracked.", "en", Severity.Moderate, Grade.Significant)]
    [InlineData("屏幕碎了。", "zh-CN", Severity.Moderate, Grade.Significant)]
    [InlineData("The parcel came two days late.", "en", Severity.Minor, Grade.General)]
    [InlineData("包裹晚到了两天。", "zh-CN", Severity.Minor, Grade.General)]
    [InlineData("My account was hacked and orders were placed.", "en", Severity.Severe, Grade.Major)]
    [InlineData("账号被盗，被下了好几单。", "zh-CN", Severity.Severe, Grade.Major)]
    public void SeverityLexiconSetsTheSeverity(string text, string locale, Severity severity, Grade grade)
    {
        var decision = Assess(text, locale);
        Assert.Equal(severity, decision.Severity);
        Assert.Equal(grade, decision.Grade);
        Assert.Equal(AssessmentSources.Rules, decision.Source);
    }

    [Theory]
    [InlineData("The box was not damaged, just a day late.", "en")]
    [InlineData("It isn't broken, it just looks different.", "en")]
    [InlineData("包装没有破损，就是晚了一天。", "zh-CN")]
    [InlineData("东西没坏，就是颜色不一样。", "zh-CN")]
    public void NegatedDamageDoesNotCount(string text, string locale)
    {
        var decision = Assess(text, locale);
        Assert.Equal(Severity.Minor, decision.Severity);
        Assert.Contains(decision.Evidence, e => e.RuleId.StartsWith("negated:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("The box was not damaged but the screen is cracked.", "en")]
    [InlineData("包装没有破损，但是屏幕碎了。", "zh-CN")]
    public void NegationEndsAtTheContrast(string text, string locale) =>
        Assert.Equal(Severity.Moderate, Assess(text, locale).Severity);

    [Theory]
    [InlineData("My order never arrived.", "en")]
    [InlineData("The laptop won't turn on.", "en")]
    [InlineData("我的快递一直没收到。", "zh-CN")]
    [InlineData("还没退款。", "zh-CN")]
    public void WordsThatCountWhenNegatedFireOnlyNegated(string text, string locale) =>
        Assert.Equal(Severity.Moderate, Assess(text, locale).Severity);

    [Theory]
    [InlineData("The kettle burned my hand.", "en")]
    [InlineData("The charger got really hot and smelled of burning, anyway I also want another colour.", "en")]
    [InlineData("电水壶把我的手烫伤了。", "zh-CN")]
    [InlineData("充电器特别烫，还有烧焦的味道。", "zh-CN")]
    public void SafetySetsTheMajorFloor(string text, string locale)
    {
        var decision = Assess(text, locale);
        Assert.True(decision.Flags.HasFlag(Signals.Safety));
        Assert.Equal(Grade.Major, decision.Floor);
        Assert.Equal(Grade.Major, decision.Grade);
        Assert.Equal(Tier.SeniorManagement, decision.Tier);
    }

    [Theory]
    [InlineData("The pan almost burned my hand.", "en")]
    [InlineData("锅柄太烫，差点烫伤我的手。", "zh-CN")]
    [InlineData("差点没烫伤。", "zh-CN")]
    public void ANearMissIsStillASafetyIssue(string text, string locale) =>
        Assert.True(Assess(text, locale).Flags.HasFlag(Signals.Safety));

    [Theory]
    [InlineData("The parcel was crushed but no one was hurt.", "en")]
    [InlineData("It didn't catch fire, but it stopped working.", "en")]
    [InlineData("箱子压扁了，不过没有人受伤。", "zh-CN")]
    [InlineData("电钻没什么危险，就是声音大。", "zh-CN")]
    public void ANegatedSafetyMentionSetsNoFloor(string text, string locale)
    {
        var decision = Assess(text, locale);
        Assert.False(decision.Flags.HasFlag(Signals.Safety));
        Assert.NotEqual(Grade.Major, decision.Grade);
    }

    [Theory]
    [InlineData("炸鸡凉了，不好吃。", "zh-CN")]
    [InlineData("我出差回来才收到，晚了。", "zh-CN")]
    public void SegmentationKeepsTermsOutOfOtherWords(string text, string locale)
    {
        var decision = Assess(text, locale);
        Assert.False(decision.Flags.HasFlag(Signals.Safety));
        Assert.Equal(Grade.General, decision.Grade);
    }

    [Fact]
    public void AnExplodingPowerBankIsASafetyIssue() =>
        Assert.True(Assess("充电宝炸了。", "zh-CN").Flags.HasFlag(Signals.Safety));

    [Theory]
    [InlineData("If this is not fixed I will speak to my lawyer.", "en", Grade.Significant)]
    [InlineData("再不处理我就找律师起诉你们。", "zh-CN", Grade.Significant)]
    [InlineData("I will report you to Trading Standards.", "en", Grade.Major)]
    [InlineData("再不处理我就打12315投诉。", "zh-CN", Grade.Major)]
    public void LegalThreatsSetTheirFloor(string text, string locale, Grade floor)
    {
        var decision = Assess(text, locale);
        Assert.True(decision.Flags.HasFlag(Signals.Legal));
        Assert.Equal(floor, decision.Floor);
        Assert.Equal(floor, decision.Grade);
    }

    [Theory]
    [InlineData("I will never buy from you again, the parcel was late.", "en")]
    [InlineData("快递又晚了，我再也不买了。", "zh-CN")]
    public void ChurnIsFlaggedWithoutRaisingTheGrade(string text, string locale)
    {
        var decision = Assess(text, locale);
        Assert.True(decision.Flags.HasFlag(Signals.Churn));
        Assert.Equal(Grade.General, decision.Grade);
    }

    [Theory]
    [InlineData("The parcel was a day late.", "en")]
    [InlineData("快递晚了一天。", "zh-CN")]
    public void AVipComplaintIsAtLeastSignificant(string text, string locale)
    {
        var decision = Assess(text, locale, vip: true);
        Assert.True(decision.Flags.HasFlag(Signals.Vip));
        Assert.Equal(Grade.Significant, decision.Grade);
        Assert.Contains(decision.Evidence, e => e.RuleId == "floor:vip");
    }

    [Theory]
    [InlineData("The parcel was a day late.", "en", 1, false)]
    [InlineData("The parcel was a day late.", "en", 2, true)]
    [InlineData("快递晚了一天。", "zh-CN", 1, false)]
    [InlineData("快递晚了一天。", "zh-CN", 5, true)]
    public void ARepeatComplaintIsFlaggedAndAtLeastSignificant(string text, string locale, int cases, bool repeat)
    {
        var decision = Assess(text, locale, cases: cases);
        Assert.Equal(repeat, decision.Flags.HasFlag(Signals.Repeat));
        Assert.Equal(repeat ? Grade.Significant : Grade.General, decision.Grade);
    }

    [Theory]
    [InlineData("The parcel was a day late.", "en", 2, Scope.Individual, Grade.General)]
    [InlineData("The parcel was a day late.", "en", 3, Scope.Group, Grade.Significant)]
    [InlineData("The parcel was a day late.", "en", 10, Scope.Widespread, Grade.Major)]
    [InlineData("屏幕碎了。", "zh-CN", 2, Scope.Individual, Grade.Significant)]
    [InlineData("屏幕碎了。", "zh-CN", 5, Scope.Group, Grade.Major)]
    [InlineData("快递晚了一天。", "zh-CN", 40, Scope.Widespread, Grade.Major)]
    public void ScopeComesFromSimilarCasesInTheWindow(string text, string locale, int similar, Scope scope, Grade grade)
    {
        var decision = Assess(text, locale, similar: similar);
        Assert.Equal(scope, decision.Scope);
        Assert.Equal(grade, decision.Grade);
        Assert.Equal(scope > Scope.Individual, decision.Evidence.Any(e => e.RuleId == "scope:similar-cases"));
    }

    [Fact]
    public void ThresholdsComeFromTheCaller()
    {
        var findings = RepositoryRules.Assessor.Analyze(Input("The parcel was a day late."));
        Assert.Equal(Scope.Individual, RepositoryRules.Assessor.Decide(findings, new SimilarCases(6, 6), new ScopeThresholds(8, 20)).Scope);
        Assert.Equal(Scope.Group, RepositoryRules.Assessor.Decide(findings, new SimilarCases(6, 6), new ScopeThresholds(5, 20)).Scope);
    }

    [Theory]
    [InlineData("Lots of people on our street had the same problem, the parcel was late.", "en")]
    [InlineData("很多人都说快递晚了。", "zh-CN")]
    public void TheTextsClaimRaisesScopeToGroupAtMost(string text, string locale)
    {
        var decision = Assess(text, locale);
        Assert.Equal(Scope.Group, decision.Scope);
        Assert.Equal(Grade.Significant, decision.Grade);
    }

    [Theory]
    [InlineData("The batteries were missing, minor thing.", "en")]
    [InlineData("遥控器没配电池，小问题。", "zh-CN")]
    public void TheCustomersOwnMinorThingKeepsItMinor(string text, string locale) =>
        Assert.Equal(Severity.Minor, Assess(text, locale).Severity);

    [Fact]
    public void ADownplayedSafetyIssueKeepsItsFloor() =>
        Assert.Equal(Grade.Major, Assess("Minor thing, but the charger sparked.").Grade);

    [Fact]
    public void AVeryLowRatingRaisesTheSeverity()
    {
        var input = Input("The parcel was a day late.") with { Answers = [new AnswerFact("overall", "1", 1, "csat", null)] };
        var findings = RepositoryRules.Assessor.Analyze(input);
        Assert.Equal(Severity.Moderate, findings.Severity);
        Assert.Contains(findings.Evidence, e => e.RuleId == "answer:low-score");
        var nps = RepositoryRules.Assessor.Analyze(Input("The parcel was a day late.") with { Answers = [new AnswerFact("nps", "5", 5, "nps", null)] });
        Assert.Equal(Severity.Minor, nps.Severity);
    }

    [Theory]
    [InlineData("The courier left it in the rain.", "en", null, "delivery")]
    [InlineData("I was charged twice.", "en", "delivery", "billing")]
    [InlineData("It is just not acceptable.", "en", "customer_service", "customer_service")]
    [InlineData("太让人生气了。", "zh-CN", "product_quality", "product_quality")]
    [InlineData("It is just not acceptable.", "en", null, "other")]
    public void TheTextsCategoryComesFirstThenTheFlows(string text, string locale, string? flowCategory, string category) =>
        Assert.Equal(category, Assess(text, locale, category: flowCategory).Category);

    [Fact]
    public void ThemesAreCoded()
    {
        var decision = Assess("The parcel was late and the agent was rude.");
        Assert.Contains("delivery_speed", decision.Themes);
        Assert.Contains("staff_attitude", decision.Themes);
    }

    [Theory]
    [InlineData("Terrible, the screen is cracked and support was rude.", "en")]
    [InlineData("太差了，屏幕碎了，客服态度恶劣。", "zh-CN")]
    [InlineData("Great, a third late delivery, just what I needed.", "en")]
    public void AComplaintsSentimentIsNegative(string text, string locale) =>
        Assert.InRange(Assess(text, locale).Sentiment, -1, -0.2);

    [Fact]
    public void TheRationaleIsInTheCasesLanguage()
    {
        Assert.Equal("Safety issue (burned my hand) reported; raised to major by the safety floor.", Assess("It burned my hand.").Rationale);
        Assert.Equal("顾客报告安全问题（烫伤），按安全底线升为重大。", Assess("我的手被烫伤了。", "zh-CN").Rationale);
        Assert.StartsWith("Moderate issue", Assess("Screen cracked.", "fr").Rationale, StringComparison.Ordinal);
        Assert.Contains("3 customers with similar cases", Assess("The parcel was late.", similar: 3).Rationale, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfidenceGrowsWithEvidence()
    {
        var none = Assess("Hello, I have a question.");
        var some = Assess("The screen is cracked.");
        var more = Assess("The screen is cracked, the parcel was late, and the agent was rude.");
        Assert.True(none.Confidence < some.Confidence);
        Assert.True(some.Confidence < more.Confidence);
        Assert.All([none, some, more], d => Assert.InRange(d.Confidence, 0, 1));
    }

    internal static AssessmentInput Input(string text, string locale = "en") =>
        new(text, locale, [], new CustomerContext(false, "test", 0, true));
}
