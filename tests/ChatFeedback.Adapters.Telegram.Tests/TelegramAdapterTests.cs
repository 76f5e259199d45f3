using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFeedback.Adapters.Telegram.Tests;

public sealed class TelegramAdapterTests : IDisposable
{
    private const string SentMessage = """{"message_id":77,"date":1735725600,"chat":{"id":385601234,"type":"private"},"text":"ok"}""";

    private static readonly ConversationAddress Customer = new("telegram", "385601234", "385601234");

    private readonly FakeBotApi api = new();
    private readonly ServiceProvider services;

    public TelegramAdapterTests()
    {
        services = TestServices.Build(TestServices.Settings(api));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TelegramAdapter Adapter => services.GetServices<IChannelAdapter>().OfType<TelegramAdapter>().Single();

    public void Dispose()
    {
        services.Dispose();
        api.Dispose();
    }

    [Fact]
    public void RegistersOneInstanceAsChannelAdapterAndInteractionResponder()
    {
        var adapter = Assert.Single(services.GetServices<IChannelAdapter>());
        Assert.Same(adapter, Assert.Single(services.GetServices<IInteractionResponder>()));
        Assert.Equal("telegram", adapter.ChannelId);
        Assert.Equal(new ChannelRateLimits(1, 3, 20, 25, 25), adapter.Limits);
    }

    [Fact]
    public async Task SendsEscapedHtmlWithInlineKeyboard()
    {
        api.Ok("sendMessage", SentMessage);
        var question = new OutboundQuestion("q1", QuestionKind.YesNo, [new("yes", "Yes"), new("no", "No")]);

        var result = await Adapter.SendAsync(Customer, new OutboundMessage("Was it <fine> & on time?", question), Ct);

        Assert.Equal(SendResult.Delivered, result);
        var body = Assert.Single(api.Calls("sendMessage"));
        Assert.Equal(385601234, body.GetProperty("chat_id").GetInt64());
        Assert.Equal("Was it &lt;fine&gt; &amp; on time?", body.GetProperty("text").GetString());
        // Telegram.Bot writes the enum name "Html"; the Bot API reads parse_mode case-insensitively.
        Assert.Equal("HTML", body.GetProperty("parse_mode").GetString(), ignoreCase: true);
        Assert.True(JsonElement.DeepEquals(
            JsonDocument.Parse("""{"inline_keyboard":[[{"text":"Yes","callback_data":"q1:yes"},{"text":"No","callback_data":"q1:no"}]]}""").RootElement,
            body.GetProperty("reply_markup")));
    }

    [Fact]
    public async Task SendsPlainMessageWithoutReplyMarkup()
    {
        api.Ok("sendMessage", SentMessage);

        Assert.Equal(SendResult.Delivered, await Adapter.SendAsync(Customer, new OutboundMessage("Thanks!"), Ct));

        var body = Assert.Single(api.Calls("sendMessage"));
        Assert.False(body.TryGetProperty("reply_markup", out _));
    }

    [Fact]
    public async Task ReportsFloodControlAsRetryableWithoutRetryingItself()
    {
        api.Error("sendMessage", 429, "Too Many Requests: retry after 3", """{"retry_after":3}""");

        var result = await Adapter.SendAsync(Customer, new OutboundMessage("Hi"), Ct);

        Assert.Equal(SendStatus.Retryable, result.Status);
        Assert.Equal(TimeSpan.FromSeconds(3), result.RetryAfter);
        Assert.Single(api.Calls("sendMessage"));
    }

    [Theory]
    [InlineData(403, "Forbidden: bot was blocked by the user")]
    [InlineData(403, "Forbidden: user is deactivated")]
    [InlineData(403, "Forbidden: bot can't initiate conversation with a user")]
    public async Task ReportsForbiddenAsUnreachable(int code, string description)
    {
        api.Error("sendMessage", code, description);

        var result = await Adapter.SendAsync(Customer, new OutboundMessage("Hi"), Ct);

        Assert.Equal(SendStatus.Unreachable, result.Status);
        Assert.Equal(description, result.Detail);
    }

    [Fact]
    public async Task ReportsChatNotFoundAsUnreachable()
    {
        api.Error("sendMessage", 400, "Bad Request: chat not found");

        var result = await Adapter.SendAsync(Customer, new OutboundMessage("Hi"), Ct);

        Assert.Equal(SendStatus.Unreachable, result.Status);
        Assert.Equal("chat not found", result.Detail);
    }

    [Fact]
    public async Task ReportsMigratedGroupAsMoved()
    {
        api.Error("sendMessage", 400, "Bad Request: group chat was upgraded to a supergroup chat", """{"migrate_to_chat_id":-1001822334455}""");

        var result = await Adapter.SendAsync(new ConversationAddress("telegram", "-498877665", IsGroup: true), new OutboundMessage("Hi"), Ct);

        Assert.Equal(SendStatus.Moved, result.Status);
        Assert.Equal("-1001822334455", result.MovedTo);
    }

    [Fact]
    public async Task ReportsOtherBadRequestsAsFailed()
    {
        api.Error("sendMessage", 400, "Bad Request: can't parse entities: unsupported start tag");

        Assert.Equal(SendStatus.Failed, (await Adapter.SendAsync(Customer, new OutboundMessage("Hi"), Ct)).Status);
    }

    [Fact]
    public async Task ReportsServerErrorsAsRetryable()
    {
        api.Error("sendMessage", 500, "Internal Server Error");

        var result = await Adapter.SendAsync(Customer, new OutboundMessage("Hi"), Ct);

        Assert.Equal(SendStatus.Retryable, result.Status);
        Assert.Null(result.RetryAfter);
    }

    [Fact]
    public async Task ReportsUnreachableApiAsRetryable()
    {
        var url = api.Url;
        api.Server.Stop();
        using var offline = TestServices.Build(new Dictionary<string, string?>(TestServices.Settings(api)) { ["Telegram:ApiBaseUrl"] = url });

        var result = await offline.GetRequiredService<TelegramAdapter>().SendAsync(Customer, new OutboundMessage("Hi"), Ct);

        Assert.Equal(SendStatus.Retryable, result.Status);
    }

    [Fact]
    public async Task ReportsUnrenderableQuestionAsFailedWithoutCallingTelegram()
    {
        var question = new OutboundQuestion("q1", QuestionKind.Choice, [new(new string('x', 80), "Too long")]);

        var result = await Adapter.SendAsync(Customer, new OutboundMessage("Pick", question), Ct);

        Assert.Equal(SendStatus.Failed, result.Status);
        Assert.Empty(api.Server.LogEntries);
    }

    [Fact]
    public async Task SendsLongTextInPartsWithKeyboardOnTheLast()
    {
        api.Ok("sendMessage", SentMessage);
        var text = string.Join('\n', Enumerable.Repeat(new string('x', 99), 60));
        var question = new OutboundQuestion("q1", QuestionKind.YesNo, [new("yes", "Yes"), new("no", "No")]);

        Assert.Equal(SendResult.Delivered, await Adapter.SendAsync(Customer, new OutboundMessage(text, question), Ct));

        var calls = api.Calls("sendMessage");
        Assert.Equal(2, calls.Count);
        Assert.False(calls[0].TryGetProperty("reply_markup", out _));
        Assert.True(calls[1].TryGetProperty("reply_markup", out _));
    }

    [Fact]
    public async Task AnswersCallbackAndMarksTheQuestionAnswered()
    {
        api.Ok("answerCallbackQuery").Ok("editMessageText", SentMessage);

        await Adapter.RespondAsync(Pressed(), InteractionOutcome.Accepted, "Thanks!", Ct);

        var answer = Assert.Single(api.Calls("answerCallbackQuery"));
        Assert.Equal("1656101093845937152", answer.GetProperty("callback_query_id").GetString());
        Assert.Equal("Thanks!", answer.GetProperty("text").GetString());

        var edit = Assert.Single(api.Calls("editMessageText"));
        Assert.Equal(385601234, edit.GetProperty("chat_id").GetInt64());
        Assert.Equal(53, edit.GetProperty("message_id").GetInt32());
        Assert.Equal("Rate &lt;us&gt; &amp; the delivery\n\n✓ Very good &amp; fast", edit.GetProperty("text").GetString());
        Assert.Equal("HTML", edit.GetProperty("parse_mode").GetString(), ignoreCase: true);
        Assert.False(edit.TryGetProperty("reply_markup", out _));
    }

    [Fact]
    public async Task AnswersStalePressWithoutEditing()
    {
        api.Ok("answerCallbackQuery");

        await Adapter.RespondAsync(Pressed(), InteractionOutcome.Stale, null, Ct);

        var answer = Assert.Single(api.Calls("answerCallbackQuery"));
        Assert.False(answer.TryGetProperty("text", out _));
        Assert.Empty(api.Calls("editMessageText"));
    }

    [Fact]
    public async Task PressAnsweredInTheWebhookResponseIsOnlyEdited()
    {
        api.Ok("editMessageText", SentMessage);
        var inline = new InlineAnswer();
        var press = Pressed();
        press = press with { Interaction = press.Interaction! with { Inline = inline } };
        Assert.True(inline.TryAnswer(null));

        await Adapter.RespondAsync(press, InteractionOutcome.Accepted, null, Ct);

        Assert.Empty(api.Calls("answerCallbackQuery"));
        Assert.Single(api.Calls("editMessageText"));
    }

    [Fact]
    public async Task PressWhoseWebhookStillWaitsIsAnsweredByApiAndTheWaitEnds()
    {
        api.Ok("answerCallbackQuery");
        var inline = new InlineAnswer();
        var press = Pressed();
        press = press with { Interaction = press.Interaction! with { Inline = inline } };

        await Adapter.RespondAsync(press, InteractionOutcome.Stale, "That question is closed.", Ct);

        Assert.Equal("That question is closed.", Assert.Single(api.Calls("answerCallbackQuery")).GetProperty("text").GetString());
        Assert.False(inline.TryAnswer("too late"));
        Assert.True(inline.Answer.IsCanceled);
    }

    [Fact]
    public async Task TreatsMessageNotModifiedAsSuccess()
    {
        api.Ok("answerCallbackQuery")
            .Error("editMessageText", 400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message");

        await Adapter.RespondAsync(Pressed(), InteractionOutcome.Accepted, null, Ct);

        Assert.Single(api.Calls("editMessageText"));
    }

    [Fact]
    public async Task IgnoresQueryTooOldAndStillMarksTheAnswer()
    {
        api.Error("answerCallbackQuery", 400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
            .Ok("editMessageText", SentMessage);

        await Adapter.RespondAsync(Pressed(), InteractionOutcome.Accepted, null, Ct);

        Assert.Single(api.Calls("editMessageText"));
    }

    [Fact]
    public async Task SwallowsEditFailures()
    {
        api.Ok("answerCallbackQuery").Error("editMessageText", 500, "Internal Server Error");

        await Adapter.RespondAsync(Pressed(), InteractionOutcome.Accepted, null, Ct);
    }

    private static InboundMessage Pressed() =>
        InboundMessage.FromButton("731245004", Customer, new ButtonPress("q3", "5"), "en", DateTimeOffset.UnixEpoch) with
        {
            Interaction = new Interaction("1656101093845937152", "53", "Rate <us> & the delivery", "Very good & fast"),
        };
}
