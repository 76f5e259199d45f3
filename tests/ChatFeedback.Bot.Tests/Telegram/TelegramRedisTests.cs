using ChatFeedback.Bot.Sessions;
using ChatFeedback.Bot.Tests.Support;
using ChatFeedback.Dialogs;
using static ChatFeedback.Bot.Tests.Telegram.TelegramExpect;

namespace ChatFeedback.Bot.Tests.Telegram;

/// <summary>Several instances of the service on one Redis, as in production: shared dedupe and sessions.</summary>
[Collection(RedisTestGroup.Name)]
public sealed class TelegramRedisTests(RedisServerFixture redis)
{
    private const string Survey = "post-purchase-survey";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SameUpdateDeliveredToTwoInstancesIsProcessedOnce()
    {
        using var api = new BotApiStub();
        var settings = RedisSettings();
        await using var a = new TelegramBotFactory(api, settings);
        await using var b = new TelegramBotFactory(api, settings);
        using var webhookA = a.CreateClient();
        using var webhookB = b.CreateClient();
        var customer = new TelegramCustomer(webhookA, api, 7001, "en");
        var t = new FlowTexts(a.Get<FlowCatalog>(), "en");
        var update = customer.Message(TelegramCustomer.NextUpdateId(), "/start");

        // Telegram redelivers to whichever instance the load balancer picks.
        customer.Webhook = webhookA;
        await customer.DeliverAsync(update);
        customer.Webhook = webhookB;
        await customer.DeliverAsync(update);

        // One more update through each instance: each answers it after anything the /start caused there.
        customer.Webhook = webhookA;
        await customer.SayAsync("agent");
        customer.Webhook = webhookB;
        await customer.SayAsync("agent");
        var agentRequested = Html(t.Global("agentRequested"));
        await api.WaitForAsync(_ => api.Delivered(customer.ChatId).Count(m => m.Text == agentRequested) == 2, "both instances to answer 'agent'");

        var texts = api.Delivered(customer.ChatId).Select(m => m.Text).ToList();
        Assert.Single(texts, Html(t.Step("menu", "greeting")));
        Assert.Equal(4, texts.Count); // greeting, menu, and two answers to "agent"
        var id = update["update_id"]!.ToString();
        Assert.Equal(1, a.Turns.Done.Count(d => d == id) + b.Turns.Done.Count(d => d == id));
    }

    [Fact]
    public async Task SurveyCarriesOnOnANewInstanceAfterARestart()
    {
        using var api = new BotApiStub();
        var settings = RedisSettings();
        var customer = new TelegramCustomer(null, api, 7002, "en");
        FlowTexts t;

        await using (var before = new TelegramBotFactory(api, settings))
        {
            customer.Webhook = before.CreateClient();
            t = new FlowTexts(before.Get<FlowCatalog>(), "en");
            await customer.SayAsync("/start");
            await customer.RepliesAsync(2);
            await customer.PressAsync("Take the survey");
            await customer.RepliesAsync(2);
            await customer.PressAsync("Very satisfied");
            await customer.ReplyAsync();
            customer.Webhook.Dispose();
        }

        // The customer answers the question the stopped instance asked; the new instance takes it from Redis.
        await using var after = new TelegramBotFactory(api, settings);
        using var webhook = after.CreateClient();
        customer.Webhook = webhook;
        var question = customer.LastQuestion!;
        var press = await customer.PressAsync("Satisfied");
        var next = await customer.ReplyAsync();

        PressAnswered(api, press, question, "Satisfied");
        Question(next, customer.ChatId, t.Step(Survey, "process_efficiency"), Survey, "process_efficiency", TelegramConversationTests.Satisfaction(t));
        var session = await after.Get<ISessionStore>().LoadAsync(customer.ConversationKey, Ct);
        Assert.Equal("5", session?.State.AnswerTo("product_quality"));
        Assert.Equal("4", session?.State.AnswerTo("service_experience"));
    }

    private Dictionary<string, string?> RedisSettings() => new()
    {
        ["Redis:ConnectionString"] = redis.ConnectionString,
        ["Redis:KeyPrefix"] = RedisServerFixture.NewKeys().Prefix,
    };
}
