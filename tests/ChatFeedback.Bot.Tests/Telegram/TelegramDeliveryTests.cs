using ChatFeedback.Bot.Sessions;
using ChatFeedback.Dialogs;
using static ChatFeedback.Bot.Tests.Telegram.TelegramExpect;

namespace ChatFeedback.Bot.Tests.Telegram;

/// <summary>What the service does with the Bot API's refusals: flood control (429) and a blocked bot (403).</summary>
public sealed class TelegramDeliveryTests : IAsyncDisposable
{
    private const string Survey = "post-purchase-survey";

    private readonly BotApiStub _api = new();
    private TelegramBotFactory? _host;
    private HttpClient? _webhook;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        _webhook?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _api.Dispose();
    }

    [Fact]
    public async Task ThrottledReplyIsSentAgainAfterRetryAfterAndTheAnswerWasSavedFirst()
    {
        var host = Start();
        var customer = Customer(5001);
        var t = new FlowTexts(host.Get<FlowCatalog>(), "en");
        await customer.SayAsync("/start");
        await customer.RepliesAsync(2);
        await customer.PressAsync("Take the survey");
        await customer.RepliesAsync(2);

        var nextQuestion = Html(t.Step(Survey, "service_experience"));
        _api.FailNext("sendMessage", BotApiError.TooManyRequests(3), body => String(body, "text") == nextQuestion);
        await customer.PressAsync("Very satisfied");
        await _api.WaitForAsync(calls => calls.Any(c => c.Method == "sendMessage" && c.Status == 429), "the throttled sendMessage");

        // Saved before anything left the process: the refused reply cannot lose the answer.
        var saved = await host.Get<ISessionStore>().LoadAsync(customer.ConversationKey, Ct);
        Assert.Equal("service_experience", saved?.State.StepId);
        Assert.Equal("5", saved?.State.AnswerTo("product_quality"));

        var throttledAt = host.Time.GetUtcNow();
        var delivered = customer.ReplyAsync();
        await host.AdvanceUntilAsync(delivered);

        Question(await delivered, customer.ChatId, t.Step(Survey, "service_experience"), Survey, "service_experience", TelegramConversationTests.Satisfaction(t));
        Assert.Equal([429, 200], _api.SendAttempts(customer.ChatId).Where(c => String(c.Body, "text") == nextQuestion).Select(c => c.Status));
        Assert.True(host.Time.GetUtcNow() - throttledAt >= TimeSpan.FromSeconds(3), "sent again before retry_after ran out");
        Assert.Equal(5, _api.Delivered(customer.ChatId).Count);
    }

    [Fact]
    public async Task BlockedBotRecordsTheOptOutAndDropsTheRestOfTheQueuedReplies()
    {
        // One sender for every chat, so another chat's reply is a signal that the blocked chat's queue was worked off.
        var host = Start(new Dictionary<string, string?> { ["Outbound:Workers"] = "1" });
        var blocked = Customer(5002);
        var other = Customer(5003);
        _api.FailAlways("sendMessage", BotApiError.Blocked, body => BotApiStub.ChatOf(body) == blocked.ChatId);

        await blocked.SayAsync("/start"); // greeting and menu are queued; the greeting is refused
        await _api.WaitForAsync(calls => calls.Any(c => c.Status == 403), "the refused sendMessage");
        await other.SayAsync("agent");
        await other.ReplyAsync();

        var attempt = Assert.Single(_api.SendAttempts(blocked.ChatId)); // the menu behind the greeting was not tried
        Assert.Equal(403, attempt.Status);
        var session = await host.Get<ISessionStore>().LoadAsync(blocked.ConversationKey, Ct);
        Assert.True(session?.OptedOut, "a blocked bot must count as an opt-out");
    }

    private TelegramBotFactory Start(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        _host = new TelegramBotFactory(_api, overrides);
        _webhook = _host.CreateClient();
        return _host;
    }

    private TelegramCustomer Customer(long chatId) => new(_webhook, _api, chatId, "en");
}
