namespace ChatFeedback.Assessment.Tests;

public sealed class GradingTests
{
    [Theory]
    [InlineData(Scope.Individual, Severity.Minor, Grade.General)]
    [InlineData(Scope.Individual, Severity.Moderate, Grade.Significant)]
    [InlineData(Scope.Individual, Severity.Severe, Grade.Major)]
    [InlineData(Scope.Group, Severity.Minor, Grade.Significant)]
    [InlineData(Scope.Group, Severity.Moderate, Grade.Major)]
    [InlineData(Scope.Group, Severity.Severe, Grade.Major)]
    [InlineData(Scope.Widespread, Severity.Minor, Grade.Major)]
    [InlineData(Scope.Widespread, Severity.Moderate, Grade.Major)]
    [InlineData(Scope.Widespread, Severity.Severe, Grade.Major)]
    public void MatrixGradesEveryCell(Scope scope, Severity severity, Grade grade) =>
        Assert.Equal(grade, GradeMatrix.Of(scope, severity));

    [Theory]
    [InlineData(Grade.General, Tier.FrontLine)]
    [InlineData(Grade.Significant, Tier.DepartmentLead)]
    [InlineData(Grade.Major, Tier.SeniorManagement)]
    public void TierFollowsGrade(Grade grade, Tier tier) => Assert.Equal(tier, GradeMatrix.TierOf(grade));

    [Theory]
    [InlineData(Grade.General, Grade.General, Grade.General)]
    [InlineData(Grade.General, Grade.Significant, Grade.Significant)]
    [InlineData(Grade.General, Grade.Major, Grade.Major)]
    [InlineData(Grade.Significant, Grade.General, Grade.Significant)]
    [InlineData(Grade.Major, Grade.Significant, Grade.Major)]
    public void TheFloorOnlyRaises(Grade grade, Grade floor, Grade expected) =>
        Assert.Equal(expected, GradeMatrix.WithFloor(grade, floor));

    [Theory]
    [InlineData(2, 10, null)]
    [InlineData(1, 10, "group")]
    [InlineData(5, 5, "widespread")]
    public void ThresholdsAreChecked(int group, int widespread, string? problem)
    {
        var found = new ScopeThresholds(group, widespread).Problem();
        if (problem is null)
        {
            Assert.Null(found);
        }
        else
        {
            Assert.Contains(problem, found, StringComparison.Ordinal);
        }
    }
}

/// <summary>The model path: the verdict is taken, but never below the rules' floor, and scope and flags only grow.</summary>
public sealed class CombineTests
{
    private static readonly RulesAssessor Assessor = RepositoryRules.Assessor;

    private static ModelVerdict Verdict(Severity severity = Severity.Minor, Scope scope = Scope.Individual, Signals flags = Signals.None, string rationale = "Routine complaint.") =>
        new(severity, scope, "delivery", ["delivery_speed"], -0.3, flags, rationale, 0.8);

    [Theory]
    [InlineData("The heater caught fire in the living room.", "en")]
    [InlineData("取暖器在客厅里起火了。", "zh-CN")]
    public void AMinorVerdictCannotLowerTheSafetyFloor(string text, string locale)
    {
        var findings = Assessor.Analyze(RulesAssessorTests.Input(text, locale));
        var decision = Assessor.Combine(findings, Verdict(), new SimilarCases(0, 0), ScopeThresholds.Default);
        Assert.Equal(Severity.Minor, decision.Severity);
        Assert.Equal(Grade.Major, decision.Grade);
        Assert.Equal(Tier.SeniorManagement, decision.Tier);
        Assert.True(decision.Flags.HasFlag(Signals.Safety));
        Assert.Equal(AssessmentSources.Llm, decision.Source);
        Assert.Contains(decision.Evidence, e => e.RuleId.StartsWith("floor:", StringComparison.Ordinal));
        Assert.Contains(locale == "en" ? "by the safety floor" : "按安全底线", decision.Rationale, StringComparison.Ordinal);
    }

    [Fact]
    public void TheVerdictIsTakenWhereNoFloorApplies()
    {
        var findings = Assessor.Analyze(RulesAssessorTests.Input("The screen is cracked."));
        var decision = Assessor.Combine(findings, Verdict(Severity.Minor, rationale: "Cosmetic."), new SimilarCases(0, 0), ScopeThresholds.Default);
        Assert.Equal(Grade.General, decision.Grade);
        Assert.Equal("Cosmetic.", decision.Rationale);
        Assert.Equal("delivery", decision.Category);
        Assert.Equal(["delivery_speed"], decision.Themes);
    }

    [Fact]
    public void ScopeIsTheLargerOfEvidenceAndTheModelsClaim()
    {
        var findings = Assessor.Analyze(RulesAssessorTests.Input("The parcel was late."));
        Assert.Equal(Scope.Widespread, Assessor.Combine(findings, Verdict(scope: Scope.Individual), new SimilarCases(12, 12), ScopeThresholds.Default).Scope);
        Assert.Equal(Scope.Group, Assessor.Combine(findings, Verdict(scope: Scope.Group), new SimilarCases(0, 0), ScopeThresholds.Default).Scope);
    }

    [Fact]
    public void FlagsAreTheUnionAndAModelOnlySafetyFlagSetsItsFloor()
    {
        var findings = Assessor.Analyze(RulesAssessorTests.Input("I will speak to my lawyer, the parcel was late."));
        var decision = Assessor.Combine(findings, Verdict(flags: Signals.Safety), new SimilarCases(0, 0), ScopeThresholds.Default);
        Assert.Equal(Signals.Safety | Signals.Legal, decision.Flags & (Signals.Safety | Signals.Legal));
        Assert.Equal(Grade.Major, decision.Grade);
    }

    [Fact]
    public void TheVipFloorHoldsAgainstTheModel()
    {
        var input = RulesAssessorTests.Input("The parcel was late.") with { Customer = new CustomerContext(true, "test", 0, true) };
        var decision = Assessor.Combine(Assessor.Analyze(input), Verdict(), new SimilarCases(0, 0), ScopeThresholds.Default);
        Assert.Equal(Grade.Significant, decision.Grade);
    }
}
