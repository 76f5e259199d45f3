namespace ChatFeedback.Dialogs.Tests;

public sealed class DialogEngineTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    private static DialogEngine Engine(FlowCatalog? catalog = null) => new(catalog ?? TestFlowSet.Catalog());

    private static DialogTurn StartSurvey(DialogEngine engine, string locale = "en") =>
        engine.Advance(engine.NewState(locale), DialogInput.Start("survey"), Now);

    [Fact]
    public void StartingAFlowAsksItsFirstQuestionWithButtons()
    {
        var turn = StartSurvey(Engine());

        var reply = Assert.Single(turn.Replies);
        Assert.Equal("How was the product?", reply.Text);
        Assert.Equal(PromptKind.Rating, reply.Prompt!.Kind);
        Assert.Equal(["5", "4", "3", "2", "1"], reply.Prompt.Options.Select(o => o.Value));
        Assert.Equal(["Very satisfied", "4", "3", "2", "Very dissatisfied"], reply.Prompt.Options.Select(o => o.Label));
        Assert.Equal("product", turn.State.StepId);
        Assert.Contains(new FlowStarted("survey", 1), turn.Effects);
    }

    [Fact]
    public void SameInputsGiveTheSameTurn()
    {
        var engine = Engine();
        var state = StartSurvey(engine).State;

        var first = engine.Advance(state, DialogInput.Typed("2"), Now);
        var second = new DialogEngine(TestFlowSet.Catalog()).Advance(state, DialogInput.Typed("2"), Now);

        Assert.Equal(DialogStateSerializer.Serialize(first.State), DialogStateSerializer.Serialize(second.State));
        Assert.Equal(first.Replies.Select(r => r.Text), second.Replies.Select(r => r.Text));
        Assert.Equal(first.Effects, second.Effects);
    }

    [Theory]
    [InlineData("en", "5", "5")]
    [InlineData("en", "  Very   Satisfied! ", "5")]
    [InlineData("en", "非常满意", "5")]
    [InlineData("zh-CN", "very dissatisfied", "1")]
    [InlineData("zh-CN", "４", "4")]
    public void TypedRatingsMatchNumberOrLabelInEitherLanguage(string locale, string typed, string recorded)
    {
        var engine = Engine();
        var state = StartSurvey(engine, locale).State;

        var turn = engine.Advance(state, DialogInput.Typed(typed), Now);

        Assert.Equal(TurnOutcome.Answered, turn.Outcome);
        var answer = Assert.Single(turn.Effects.OfType<AnswerRecorded>());
        Assert.Equal(recorded, answer.Value);
        Assert.Equal(int.Parse(recorded, System.Globalization.CultureInfo.InvariantCulture), answer.Score);
        Assert.Equal("csat", answer.Metric);
        Assert.Equal("product_quality", answer.Dimension);
    }

    [Fact]
    public void InvalidAnswerRepromptsWithHintThenSkipsWhenRetriesRunOut()
    {
        var engine = Engine();
        var state = StartSurvey(engine).State;

        var first = engine.Advance(state, DialogInput.Typed("eleven"), Now);
        var second = engine.Advance(first.State, DialogInput.Typed("eleven"), Now);

        Assert.Equal(TurnOutcome.Invalid, first.Outcome);
        Assert.Equal(["Rate 1 to 5", "How was the product?"], first.Replies.Select(r => r.Text));
        Assert.Equal(1, first.State.Retries);
        Assert.Equal(TurnOutcome.Invalid, second.Outcome);
        Assert.Contains(second.Effects, e => e is AnswerSkipped { StepId: "product" });
        Assert.Equal("comment", second.State.StepId);
        Assert.Equal(0, second.State.Retries);
    }

    [Fact]
    public void StaleButtonChangesNothing()
    {
        var engine = Engine();
        var atComment = engine.Advance(StartSurvey(engine).State, DialogInput.Pressed("product", "4"), Now).State;

        var turn = engine.Advance(atComment, DialogInput.Pressed("product", "1"), Now.AddMinutes(5));

        Assert.Equal(TurnOutcome.Stale, turn.Outcome);
        Assert.Same(atComment, turn.State);
        Assert.Empty(turn.Effects);
        Assert.Equal("Old button", Assert.Single(turn.Replies).Text);
    }

    [Fact]
    public void ButtonValueTheQuestionDoesNotOfferIsRefused()
    {
        var engine = Engine();
        var state = StartSurvey(engine).State;

        var turn = engine.Advance(state, DialogInput.Pressed("product", "9"), Now);

        Assert.Equal(TurnOutcome.Stale, turn.Outcome);
        Assert.Empty(turn.Effects);
    }

    [Fact]
    public void DetractorBranchOpensCaseAndSchedulesFollowUp()
    {
        var engine = Engine();
        var state = engine.Advance(StartSurvey(engine).State, DialogInput.Typed("1"), Now).State;
        state = engine.Advance(state, DialogInput.Typed("skip"), Now).State;

        var turn = engine.Advance(state, DialogInput.Pressed("contact", "yes"), Now);

        var openCase = Assert.Single(turn.Effects.OfType<OpenCase>());
        Assert.Equal(("detractor", Severity.Moderate), (openCase.Category, openCase.Severity));
        Assert.Contains(new StepAnswer("product", "1"), openCase.Answers);
        Assert.Contains(new ScheduleFollowUp("survey", TimeSpan.FromHours(48)), turn.Effects);
        Assert.Contains(new FlowEnded("survey", 1, FlowEndReason.Completed), turn.Effects);
        Assert.True(turn.State.IsIdle);
        Assert.Empty(turn.State.Answers);
    }

    [Fact]
    public void TextAnswerLengthIsChecked()
    {
        var engine = Engine();
        var atComment = engine.Advance(StartSurvey(engine).State, DialogInput.Typed("5"), Now).State;

        var tooShort = engine.Advance(atComment, DialogInput.Typed("ok"), Now);
        var tooLong = engine.Advance(atComment, DialogInput.Typed(new string('x', 21)), Now);
        var fine = engine.Advance(atComment, DialogInput.Typed("  好极了的东西  "), Now);

        Assert.Equal("At least 3", tooShort.Replies[0].Text);
        Assert.Equal("At most 20", tooLong.Replies[0].Text);
        Assert.Contains(fine.Effects, e => e is AnswerRecorded { StepId: "comment", Value: "好极了的东西" });
    }

    [Fact]
    public void ConversationFinishesOnTheFlowVersionItStartedOn()
    {
        var v1 = TestFlowSet.Catalog(("menu.yaml", TestFlowSet.Menu), ("survey.yaml", TestFlowSet.Survey(1)));
        var started = new DialogEngine(v1).Advance(DialogState.Idle("en"), DialogInput.Start("survey"), Now).State;
        var both = TestFlowSet.Catalog(("menu.yaml", TestFlowSet.Menu), ("survey.yaml", TestFlowSet.Survey(2, "New wording?")), ("archive/survey.v1.yaml", TestFlowSet.Survey(1)));
        var engine = new DialogEngine(both);

        var resumed = engine.Advance(started, DialogInput.Resume, Now);
        var answered = engine.Advance(started, DialogInput.Typed("4"), Now);
        var fresh = engine.Advance(engine.NewState("en"), DialogInput.Start("survey"), Now);

        Assert.Equal("How was the product?", resumed.Replies[0].Text);
        Assert.Contains(answered.Effects, e => e is AnswerRecorded { FlowVersion: 1 });
        Assert.Equal(1, answered.State.FlowVersion);
        Assert.Equal("New wording?", fresh.Replies[0].Text);
        Assert.Equal(2, fresh.State.FlowVersion);
    }

    [Fact]
    public void ConversationOnARemovedFlowVersionStartsAgainOnTheNewest()
    {
        var started = Engine().Advance(DialogState.Idle("en"), DialogInput.Start("survey"), Now).State;
        var engine = new DialogEngine(TestFlowSet.Catalog(("menu.yaml", TestFlowSet.Menu), ("survey.yaml", TestFlowSet.Survey(2, "New wording?"))));

        var turn = engine.Advance(started, DialogInput.Typed("4"), Now);

        Assert.Equal(["The survey changed", "New wording?"], turn.Replies.Select(r => r.Text));
        Assert.Empty(turn.Effects.OfType<AnswerRecorded>());
        Assert.Equal(2, turn.State.FlowVersion);
    }

    [Fact]
    public void StopOptsOutAndEndsTheFlowInAnyLanguage()
    {
        var engine = Engine();
        var state = StartSurvey(engine, "en").State;

        var turn = engine.Advance(state, DialogInput.Typed("退订"), Now);

        Assert.Contains(turn.Effects, e => e is OptOut);
        Assert.Contains(new FlowEnded("survey", 1, FlowEndReason.Stopped), turn.Effects);
        Assert.Equal("Stopped", Assert.Single(turn.Replies).Text);
        Assert.True(turn.State.IsIdle);
    }

    [Fact]
    public void OptInActionEmitsOptInOnlyOnTheYesBranch()
    {
        const string consent = """
            id: consent
            version: 1
            locales: [en, zh-CN]
            steps:
              - id: resume
                kind: yesno
                text: { en: Again?, zh-CN: 再次？ }
              - id: check
                kind: branch
                cases:
                  - when: { answer: resume, equals: "yes" }
                    next: opt_in
                otherwise: bye
              - id: opt_in
                kind: action
                do:
                  - optIn: {}
              - id: bye
                kind: end
            """;
        var engine = Engine(TestFlowSet.Catalog(("menu.yaml", TestFlowSet.Menu), ("survey.yaml", TestFlowSet.Survey()), ("consent.yaml", consent)));
        var asked = engine.Advance(engine.NewState("en"), DialogInput.Start("consent"), Now).State;

        var yes = engine.Advance(asked, DialogInput.Pressed("resume", "yes"), Now);
        var no = engine.Advance(asked, DialogInput.Typed("no"), Now);

        Assert.Contains(yes.Effects, e => e is OptIn);
        Assert.DoesNotContain(no.Effects, e => e is OptIn);
    }

    [Fact]
    public void AgentRequestKeepsTheFlowWaiting()
    {
        var engine = Engine();
        var state = StartSurvey(engine).State;

        var turn = engine.Advance(state, DialogInput.Typed("Human"), Now);

        Assert.Contains(turn.Effects, e => e is RequestHandoff { FlowId: "survey" });
        Assert.Equal("product", turn.State.StepId);
    }

    [Fact]
    public void SkipOnlyWorksOnOptionalQuestions()
    {
        var engine = Engine();
        var atProduct = StartSurvey(engine).State;

        var refused = engine.Advance(atProduct, DialogInput.Typed("/skip"), Now);
        var atComment = engine.Advance(atProduct, DialogInput.Typed("5"), Now).State;
        var skipped = engine.Advance(atComment, DialogInput.Pressed("comment", DialogEngine.SkipValue), Now);

        Assert.Equal(["Cannot skip", "How was the product?"], refused.Replies.Select(r => r.Text));
        Assert.Equal("product", refused.State.StepId);
        Assert.Contains(skipped.Effects, e => e is AnswerSkipped { StepId: "comment" });
    }

    [Fact]
    public void MenuChoiceStartsAnotherFlow()
    {
        var engine = Engine();
        var menu = engine.Advance(engine.NewState("zh-Hans-CN"), DialogInput.Resume, Now);

        var turn = engine.Advance(menu.State, DialogInput.Typed("调查"), Now);

        Assert.Equal("zh-CN", menu.State.Locale);
        Assert.Equal("菜单", menu.Replies[0].Text);
        Assert.Equal(["survey", "other"], menu.Replies[0].Prompt!.Options.Select(o => o.Value));
        Assert.Contains(new FlowEnded("menu", 1, FlowEndReason.Replaced), turn.Effects);
        Assert.Contains(new FlowStarted("survey", 1), turn.Effects);
        Assert.Equal("产品怎么样？", turn.Replies[^1].Text);
    }

    [Fact]
    public void ConversationResumesAfterItsStateIsStoredAndRead()
    {
        var engine = Engine();
        var state = engine.Advance(StartSurvey(engine).State, DialogInput.Typed("5"), Now).State;

        var stored = DialogStateSerializer.Serialize(state);
        var restored = DialogStateSerializer.Deserialize(stored);
        var turn = new DialogEngine(TestFlowSet.Catalog()).Advance(restored, DialogInput.Resume, Now.AddDays(2));

        Assert.Equal(state, restored with { Answers = state.Answers });
        Assert.Equal(state.Answers, restored.Answers);
        Assert.Equal("Any comment?", Assert.Single(turn.Replies).Text);
    }
}
