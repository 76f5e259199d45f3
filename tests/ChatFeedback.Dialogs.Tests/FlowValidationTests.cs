namespace ChatFeedback.Dialogs.Tests;

public sealed class FlowValidationTests
{
    private static FlowError SingleError(FlowLoadResult result)
    {
        Assert.False(result.Succeeded);
        return Assert.Single(result.Errors);
    }

    private static string Broken(string survey, string find, string replace)
    {
        Assert.Contains(find, survey, StringComparison.Ordinal);
        return survey.Replace(find, replace, StringComparison.Ordinal);
    }

    [Fact]
    public void ShippedFlowSetLoads()
    {
        var result = FlowLoader.LoadDirectory(RepoPaths.Flows);

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Errors));
        Assert.Equal(["complaint", "consent", "delete-data", "follow-up", "menu", "post-purchase-survey", "privacy"], result.Catalog!.Latest.Select(f => f.Id));
    }

    [Fact]
    public void ShippedSurveyAsksAtMostEightQuestions()
    {
        var survey = FlowLoader.LoadDirectory(RepoPaths.Flows).GetCatalogOrThrow().FindLatest("post-purchase-survey")!;

        Assert.InRange(survey.Steps.Count(s => s.IsQuestion), 5, 8);
        Assert.Equal(
            ["brand_trust", "process_efficiency", "product_quality", "service_experience"],
            survey.Steps.OfType<RatingStep>().Select(s => s.Dimension).OfType<string>().Order());
    }

    [Fact]
    public void TestFlowSetLoads()
    {
        var result = TestFlowSet.LoadWith(("menu.yaml", TestFlowSet.Menu), ("survey.yaml", TestFlowSet.Survey()));

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Errors));
    }

    [Fact]
    public void ReportsUnknownStepReferenceWithLineAndPath()
    {
        var survey = Broken(TestFlowSet.Survey(), "next: contact", "next: contcat");

        var error = SingleError(TestFlowSet.LoadWith(("menu.yaml", TestFlowSet.Menu), ("survey.yaml", survey)));

        Assert.Equal("survey.yaml", error.File);
        Assert.Equal(22, error.Line);
        Assert.Equal("steps[2](check).cases[0].next", error.Path);
        Assert.Contains("unknown step 'contcat'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportsUnreachableStep()
    {
        var survey = TestFlowSet.Survey() + """

              - id: orphan
                kind: message
                text: { en: Never said, zh-CN: 永远不说 }
            """;

        var errors = TestFlowSet.LoadWith(("menu.yaml", TestFlowSet.Menu), ("survey.yaml", survey)).Errors;

        var error = Assert.Single(errors, e => e.Message.Contains("unreachable", StringComparison.Ordinal));
        Assert.Equal("steps[6](orphan)", error.Path);
        Assert.Equal(35, error.Line);
    }

    [Fact]
    public void ReportsMissingTranslation()
    {
        var survey = Broken(TestFlowSet.Survey(), "text: { en: Any comment?, zh-CN: 有什么意见？ }", "text: { en: Any comment? }");

        var error = SingleError(TestFlowSet.LoadWith(("menu.yaml", TestFlowSet.Menu), ("survey.yaml", survey)));

        Assert.Equal("steps[1](comment).text", error.Path);
        Assert.Contains("missing translation for 'zh-CN'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("minLength: 3", "minLength: 30", "maxLength (20) must be at least minLength (30)")]
    [InlineData("scale: satisfaction5", "min: 5\n    max: 5", "max (5) must be greater than min (5)")]
    [InlineData("scale: satisfaction5", "min: 0\n    max: 20", "at most 11 points")]
    [InlineData("after: 48h", "after: 4d", "at most 72h")]
    [InlineData("lte: 2", "lte: two", "expected a number")]
    public void ReportsInvalidRanges(string find, string replace, string message)
    {
        var survey = Broken(TestFlowSet.Survey(), find, replace);

        var result = TestFlowSet.LoadWith(("menu.yaml", TestFlowSet.Menu), ("survey.yaml", survey));

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void ReportsScaleLabelOutsideItsRange()
    {
        var global = Broken(TestFlowSet.Global, "1: { en: Very dissatisfied", "0: { en: Very dissatisfied");

        var error = SingleError(TestFlowSet.Load(("global.yaml", global), ("menu.yaml", TestFlowSet.Menu), ("survey.yaml", TestFlowSet.Survey())));

        Assert.Equal("scales.satisfaction5.labels.0", error.Path);
        Assert.Contains("outside the scale 1..5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportsDuplicateStepIds()
    {
        var survey = Broken(TestFlowSet.Survey(), "id: thanks", "id: contact");

        var errors = TestFlowSet.LoadWith(("menu.yaml", TestFlowSet.Menu), ("survey.yaml", survey)).Errors;

        Assert.Contains(errors, e => e.Message.Contains("duplicate step id 'contact' (first used at line 24)", StringComparison.Ordinal) && e.Line == 32);
    }

    [Fact]
    public void ReportsTheSameFlowVersionDefinedTwice()
    {
        var error = SingleError(TestFlowSet.LoadWith(("menu.yaml", TestFlowSet.Menu), ("a.yaml", TestFlowSet.Survey()), ("b.yaml", TestFlowSet.Survey())));

        Assert.Equal("b.yaml", error.File);
        Assert.Contains("also defined in a.yaml", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportsQuestionsThatLoopWithoutAnEnd()
    {
        const string loop = """
            id: loop
            version: 1
            locales: [en, zh-CN]
            steps:
              - id: first
                kind: yesno
                text: { en: Again?, zh-CN: 再来？ }
              - id: second
                kind: yesno
                text: { en: Sure?, zh-CN: 确定？ }
                next: first
            """;

        var errors = TestFlowSet.LoadWith(("menu.yaml", TestFlowSet.Menu), ("survey.yaml", TestFlowSet.Survey()), ("loop.yaml", loop)).Errors;

        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Contains("cannot end", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void ReportsALoopThatAsksNothing()
    {
        var survey = Broken(TestFlowSet.Survey(), "otherwise: thanks", "otherwise: open");
        survey = Broken(survey, "- followUp: { flow: survey, after: 48h }", "- followUp: { flow: survey, after: 48h }\n    next: check");

        var errors = TestFlowSet.LoadWith(("menu.yaml", TestFlowSet.Menu), ("survey.yaml", survey)).Errors;

        Assert.Contains(errors, e => e.Message.Contains("check -> open -> check loop without asking", StringComparison.Ordinal) || e.Message.Contains("open -> check -> open loop without asking", StringComparison.Ordinal));
    }

    [Fact]
    public void ReportsYamlSyntaxErrorsWithTheirLine()
    {
        var survey = Broken(TestFlowSet.Survey(), "text: { en: May we contact you?", "text: { en: \"May we contact you?");

        var error = SingleError(TestFlowSet.LoadWith(("menu.yaml", TestFlowSet.Menu), ("survey.yaml", survey)));

        Assert.StartsWith("YAML syntax error", error.Message, StringComparison.Ordinal);
        Assert.InRange(error.Line, 26, 34);
    }

    [Fact]
    public void SuggestsTheKeyMeantByATypo()
    {
        var survey = Broken(TestFlowSet.Survey(), "minLength: 3", "minLenght: 3");

        var error = SingleError(TestFlowSet.LoadWith(("menu.yaml", TestFlowSet.Menu), ("survey.yaml", survey)));

        Assert.Equal("steps[1](comment).minLenght", error.Path);
        Assert.Contains("did you mean 'minLength'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportsConditionValuesTheQuestionCannotHave()
    {
        var survey = Broken(TestFlowSet.Survey(), "{ answer: product, lte: 2 }", "{ answer: contact, equals: maybe }");

        var errors = TestFlowSet.LoadWith(("menu.yaml", TestFlowSet.Menu), ("survey.yaml", survey)).Errors;

        Assert.Contains(errors, e => e.Message.Contains("'maybe' is not yes or no", StringComparison.Ordinal));
    }

    [Fact]
    public void ReportsUnknownFlowsAndMissingGlobal()
    {
        var menu = Broken(TestFlowSet.Menu, "startFlow: survey", "startFlow: surveys");

        var unknown = SingleError(TestFlowSet.LoadWith(("menu.yaml", menu), ("survey.yaml", TestFlowSet.Survey())));
        var missing = SingleError(TestFlowSet.Load(("menu.yaml", TestFlowSet.Menu)));

        Assert.Equal("steps[1](go).do[0].startFlow", unknown.Path);
        Assert.Contains("unknown flow 'surveys'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("global.yaml is missing", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportsEveryErrorAtOnce()
    {
        var survey = Broken(TestFlowSet.Survey(), "next: contact", "next: nowhere");
        survey = Broken(survey, "kind: yesno", "kind: yes-no");
        var menu = Broken(TestFlowSet.Menu, "label: { en: Other, zh-CN: 其他 }", "label: { en: Other }");

        var errors = TestFlowSet.LoadWith(("menu.yaml", menu), ("survey.yaml", survey)).Errors;

        Assert.Contains(errors, e => e.File == "menu.yaml" && e.Message.Contains("missing translation", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.File == "survey.yaml" && e.Message.Contains("unknown step kind 'yes-no'", StringComparison.Ordinal));
    }

    [Fact]
    public void ErrorsPrintAsFileLineColumnPathMessage()
    {
        var error = new FlowError("dialogs/flows/survey.yaml", 12, 5, "steps[2](nps).scale", "unknown scale 'nps11'");

        Assert.Equal("dialogs/flows/survey.yaml:12:5: steps[2](nps).scale: unknown scale 'nps11'", error.ToString());
    }
}
