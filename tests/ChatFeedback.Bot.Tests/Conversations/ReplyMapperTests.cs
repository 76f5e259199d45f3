using ChatFeedback.Adapters;
using ChatFeedback.Bot.Conversations;
using ChatFeedback.Dialogs;

namespace ChatFeedback.Bot.Tests.Conversations;

public sealed class ReplyMapperTests
{
    private static readonly ConversationAddress To = new("test", "c1");
    private static readonly DateTimeOffset At = new(2025, 3, 14, 9, 0, 0, TimeSpan.Zero);
    private static readonly DialogState Idle = DialogState.Idle("en");
    private static readonly DialogState Running = new() { Locale = "en", FlowId = "post-purchase-survey", FlowVersion = 1, StepId = "product" };

    [Fact]
    public void ReplyWithAPromptBecomesAQuestionWithItsButtonsInOrder()
    {
        var reply = new Reply("How satisfied?", new Prompt("product", PromptKind.Rating, [new("5", "Very satisfied"), new("4", "Satisfied")], Optional: true) { SkipLabel = "Skip" });

        var message = ReplyMapper.ToOutbound(reply, "post-purchase-survey");

        Assert.Equal("How satisfied?", message.Text);
        Assert.NotNull(message.Question);
        Assert.Equal(QuestionKeys.For("post-purchase-survey", "product"), message.Question.QuestionId);
        Assert.Equal(QuestionKind.Rating, message.Question.Kind);
        Assert.True(message.Question.Skippable);
        Assert.Equal("Skip", message.Question.SkipLabel);
        Assert.Equal([new OutboundOption("5", "Very satisfied"), new OutboundOption("4", "Satisfied")], message.Question.Options);
    }

    [Fact]
    public void PlainReplyHasNoQuestion()
    {
        Assert.Null(ReplyMapper.ToOutbound(new Reply("Thanks!"), "menu").Question);
    }

    [Theory]
    [InlineData(PromptKind.Choice, QuestionKind.Choice)]
    [InlineData(PromptKind.Rating, QuestionKind.Rating)]
    [InlineData(PromptKind.YesNo, QuestionKind.YesNo)]
    [InlineData(PromptKind.Text, QuestionKind.FreeText)]
    public void EveryPromptKindHasAQuestionKind(PromptKind prompt, QuestionKind question)
    {
        Assert.Equal(question, ReplyMapper.ToKind(prompt));
    }

    [Fact]
    public void TypedTextBecomesTypedInput()
    {
        Assert.Equal(DialogInput.Typed("hello"), ReplyMapper.ToInput(InboundMessage.FromText("1", To, "hello", "en", At), Running));
    }

    [Fact]
    public void ButtonPressBecomesAPressOfThatQuestion()
    {
        var key = QuestionKeys.For("post-purchase-survey", "product");

        var input = ReplyMapper.ToInput(InboundMessage.FromButton("1", To, new ButtonPress(key, "4"), "en", At), Running);

        Assert.Equal(DialogInput.Pressed("product", "4"), input);
    }

    [Theory]
    [InlineData("product")]
    [InlineData("AAAAAAAAAAA")]
    [InlineData("")]
    public void PressOfAnyOtherQuestionKeyIsNoPressOfTheOpenStep(string questionId)
    {
        var input = ReplyMapper.ToInput(InboundMessage.FromButton("1", To, new ButtonPress(questionId, "4"), "en", At), Running);

        Assert.Equal(DialogInput.Pressed(string.Empty, "4"), input);
    }

    [Fact]
    public void QuestionKeysAreShortStableAndFitACallbackPayload()
    {
        var key = QuestionKeys.For("post-purchase-survey", "product_quality");

        Assert.Equal(key, QuestionKeys.For("post-purchase-survey", "product_quality"));
        Assert.NotEqual(key, QuestionKeys.For("follow-up", "product_quality"));
        Assert.Equal(QuestionKeys.Length, key.Length);
        Assert.DoesNotContain(':', key);
    }

    [Fact]
    public void OpeningAnIdleConversationStartsTheEntryFlow()
    {
        Assert.Equal(DialogInput.Start(), ReplyMapper.ToInput(InboundMessage.Opened("1", To, "en", At), Idle));
    }

    [Fact]
    public void OpeningAConversationWithAFlowRunningResumesIt()
    {
        Assert.Equal(DialogInput.Resume, ReplyMapper.ToInput(InboundMessage.Opened("1", To, "en", At), Running));
    }

    [Fact]
    public void ButtonMessageWithoutItsButtonIsIgnored()
    {
        Assert.Null(ReplyMapper.ToInput(new InboundMessage("1", To, InboundKind.Button, null, null, "en", At), Running));
    }
}
