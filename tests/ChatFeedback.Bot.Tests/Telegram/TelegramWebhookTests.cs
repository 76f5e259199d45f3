using System.Net;
using System.Text.Json;
using ChatFeedback.Dialogs;
using static ChatFeedback.Bot.Tests.Telegram.TelegramExpect;

namespace ChatFeedback.Bot.Tests.Telegram;

/// <summary>The webhook's contract with Telegram, through the real host: registration, authentication, acknowledgement, dedupe, order.</summary>
public sealed class TelegramWebhookTests : TelegramHostTest
{
    [Fact]
    public async Task StartUpSetsTheWebhookWithItsSecretAndExplicitUpdatesKeepingTheBacklog()
    {
        await Api.WaitForAsync(calls => calls.Any(c => c.Method == "setWebhook"), "setWebhook");

        var body = Assert.Single(Api.Calls("setWebhook")).Body;
        Assert.Equal(TelegramBotFactory.WebhookUrl, String(body, "url"));
        Assert.Equal(TelegramBotFactory.Secret, String(body, "secret_token"));
        Assert.Equal(["message", "callback_query", "my_chat_member"], body.GetProperty("allowed_updates").EnumerateArray().Select(u => u.GetString()));
        Assert.False(body.TryGetProperty("drop_pending_updates", out var drop) && drop.GetBoolean(), $"the backlog would be dropped: {body}");
    }

    [Fact]
    public async Task StartUpPublishesTheCommandsInEnglishChineseAndByDefault()
    {
        await Api.WaitForAsync(calls => calls.Count(c => c.Method == "setMyCommands") >= 3, "three setMyCommands calls");

        var menus = Api.Calls("setMyCommands").ToDictionary(
            c => String(c.Body, "language_code") ?? "default",
            c => c.Body.GetProperty("commands").EnumerateArray().ToDictionary(x => x.GetProperty("command").GetString()!, x => x.GetProperty("description").GetString()!));
        Assert.Equal(["default", "en", "zh"], menus.Keys.Order(StringComparer.Ordinal));
        foreach (var (language, commands) in menus)
        {
            Assert.Superset(new HashSet<string> { "start", "survey", "complaint", "help", "stop", "agent", "privacy", "delete" }, commands.Keys.ToHashSet());
            Assert.All(commands.Values, description => Assert.False(string.IsNullOrWhiteSpace(description), language));
        }

        Assert.Equal("Purchase survey", menus["en"]["survey"]);
        Assert.Equal("Stop all messages from us", menus["en"]["stop"]);
        Assert.Equal("购买满意度调查", menus["zh"]["survey"]);
        Assert.Equal("投诉", menus["zh"]["complaint"]);
        Assert.Equal("使用帮助", menus["zh"]["help"]);
        Assert.Equal("不再接收消息", menus["zh"]["stop"]);
        Assert.Equal(menus["en"], menus["default"]);
    }

    [Fact]
    public async Task RejectsUpdatesWithAWrongOrMissingSecretAndProcessesNothing()
    {
        var customer = Customer(3001);
        var update = customer.Message(TelegramCustomer.NextUpdateId(), "/start");

        using var wrong = await TelegramCustomer.PostAsync(Webhook, update.ToJsonString(), "not-the-secret");
        using var missing = await TelegramCustomer.PostAsync(Webhook, update.ToJsonString(), secret: null);

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        await AssertOnlyTheNextUpdateIsAnsweredAsync(customer);
        Assert.DoesNotContain(update["update_id"]!.ToString(), Host.Turns.Done);
    }

    [Theory]
    [InlineData("{\"update_id\": 1, \"message\": {")]
    [InlineData("this is not JSON")]
    [InlineData("{\"update_id\": \"many\"}")]
    public async Task AcknowledgesAMalformedUpdateAndProcessesNothing(string body)
    {
        var customer = Customer(3002);

        using var response = await TelegramCustomer.PostAsync(Webhook, body, TelegramBotFactory.Secret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await AssertOnlyTheNextUpdateIsAnsweredAsync(customer);
    }

    [Fact]
    public async Task ProcessesARedeliveredUpdateOnce()
    {
        var customer = Customer(3003);
        var t = Texts();
        var update = customer.Message(TelegramCustomer.NextUpdateId(), "/start");

        await customer.DeliverAsync(update);
        await customer.DeliverAsync(update);
        await customer.SayAsync("agent"); // answered after anything the redelivery could have caused: one chat, one queue

        var replies = await customer.RepliesAsync(3);
        Assert.Equal(
            [Html(t.Step("menu", "greeting")), Html(t.Step("menu", "main")), Html(t.Global("agentRequested"))],
            replies.Select(r => r.Text));
        Assert.Equal(3, Api.Delivered(customer.ChatId).Count);
        Assert.Single(Host.Turns.Done, id => id == update["update_id"]!.ToString());
    }

    [Fact]
    public async Task FiftyUpdatesForOneChatAtOnceAreAnsweredWholeTurnsAtATimeInTheOrderTheyWereProcessed()
    {
        var customer = Customer(3004);
        var t = Texts();
        await customer.SayAsync("/start");
        await customer.RepliesAsync(2);

        // Commands that keep the menu open and answer distinguishably: help re-asks, agent only says, menu greets again.
        var replies = new Dictionary<string, string[]>
        {
            ["help"] = [Html(t.Global("help")), Html(t.Step("menu", "main"))],
            ["agent"] = [Html(t.Global("agentRequested"))],
            ["menu"] = [Html(t.Step("menu", "greeting")), Html(t.Step("menu", "main"))],
        };
        var words = replies.Keys.ToArray();
        var updates = Enumerable.Range(0, 50)
            .ToDictionary(_ => TelegramCustomer.NextUpdateId().ToString(System.Globalization.CultureInfo.InvariantCulture), i => words[i % words.Length]);

        // The HTTP requests race, so the order they are taken in is the host's to choose; replies must follow it.
        await Task.WhenAll(updates.Select(u => customer.DeliverAsync(customer.Message(int.Parse(u.Key, System.Globalization.CultureInfo.InvariantCulture), u.Value))));
        var sent = await customer.RepliesAsync(updates.Values.Sum(word => replies[word].Length));

        var processed = Host.Turns.Done.Where(updates.ContainsKey).ToList();
        Assert.Equal(updates.Keys.Order(StringComparer.Ordinal), processed.Order(StringComparer.Ordinal)); // each exactly once
        Assert.Equal(processed.SelectMany(id => replies[updates[id]]), sent.Select(m => m.Text));
    }

    /// <summary>Sends a real update and checks that its reply is the only message the bot ever sent.</summary>
    private async Task AssertOnlyTheNextUpdateIsAnsweredAsync(TelegramCustomer customer)
    {
        await customer.SayAsync("agent");
        var reply = await customer.ReplyAsync();

        TextMessage(reply, customer.ChatId, Texts().Global("agentRequested"));
        Assert.Single(Api.Calls("sendMessage"));
        Assert.DoesNotContain(Api.Calls(), c => c.Method is "answerCallbackQuery" or "editMessageText" or "editMessageReplyMarkup");
    }

    private TelegramCustomer Customer(long chatId) => new(Webhook, Api, chatId, "en");

    private FlowTexts Texts() => new(Host.Get<FlowCatalog>(), "en");
}
