using System.Net;
using ChatFeedback.Dialogs;
using static ChatFeedback.Bot.Tests.Telegram.TelegramExpect;

namespace ChatFeedback.Bot.Tests.Telegram;

/// <summary>Polling mode against the same Bot API stub: the webhook is removed (backlog kept) and getUpdates is answered.</summary>
public sealed class TelegramPollingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PollingBotRemovesTheWebhookKeepingTheBacklogAndAnswersPolledUpdates()
    {
        using var api = new BotApiStub();
        await using var host = new TelegramBotFactory(api, new Dictionary<string, string?> { ["Telegram:Mode"] = "Polling" });
        var customer = new TelegramCustomer(null, api, 6001, "en");
        var first = TelegramCustomer.NextUpdateId();
        var second = TelegramCustomer.NextUpdateId();
        api.QueueUpdates(customer.Message(first, "/start"), customer.Message(second, "agent"));

        using var client = host.CreateClient(); // starts the host, and with it the poller
        var replies = await customer.RepliesAsync(3);
        await api.WaitForAsync(calls => calls.Count(c => c.Method == "getUpdates") >= 2, "the poll that confirms both updates");

        var t = new FlowTexts(host.Get<FlowCatalog>(), "en");
        Assert.Equal(
            [Html(t.Step("menu", "greeting")), Html(t.Step("menu", "main")), Html(t.Global("agentRequested"))],
            replies.Select(r => r.Text));

        var deleteWebhook = Assert.Single(api.Calls("deleteWebhook")).Body;
        Assert.False(deleteWebhook.TryGetProperty("drop_pending_updates", out var drop) && drop.GetBoolean(), $"the backlog would be dropped: {deleteWebhook}");
        Assert.Empty(api.Calls("setWebhook"));

        var polls = api.Calls("getUpdates");
        Assert.True(polls[0].Body.TryGetProperty("allowed_updates", out var allowed), "allowed_updates must be explicit");
        Assert.Equal(["message", "callback_query", "my_chat_member"], allowed.EnumerateArray().Select(u => u.GetString()));
        Assert.Equal(second + 1, polls[1].Body.GetProperty("offset").GetInt32());

        using var webhook = await TelegramCustomer.PostAsync(client, customer.Message(TelegramCustomer.NextUpdateId(), "/start").ToJsonString(), TelegramBotFactory.Secret);
        Assert.Equal(HttpStatusCode.NotFound, webhook.StatusCode); // no webhook route while polling
    }
}
