using System.Globalization;
using System.Text.Json;
using ChatFeedback.Adapters;
using ChatFeedback.Adapters.Telegram;
using ChatFeedback.Bot.Conversations;
using ChatFeedback.Bot.Records;
using ChatFeedback.Bot.Sessions;
using ChatFeedback.Bot.Tests.Support;
using ChatFeedback.Dialogs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Telegram.Bot;
using Telegram.Bot.Types;
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

    [Fact]
    public async Task AnUpdateAcknowledgedButNotProcessedWhenTheInstanceStoppedIsProcessedOnceByTheNextInstance()
    {
        using var api = new BotApiStub();
        var settings = RedisSettings();
        var customer = new TelegramCustomer(null, api, 7003, "en");
        var gate = new TurnGate();
        string id;

        // The turn hangs (never opened) and the drain gives up at once: as good as a crash once the 200 is out.
        await using (var stopped = new TelegramBotFactory(api, settings, services: services =>
        {
            HoldTurns(services, gate);
            services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromMilliseconds(200));
        }))
        {
            using var webhook = stopped.CreateClient();
            customer.Webhook = webhook;
            id = (await customer.SayAsync("/start")).ToString(CultureInfo.InvariantCulture); // acknowledged with 200
            await gate.HeldAsync(1);
            Assert.Equal([id], await stopped.Get<ITurnInbox>().PendingAsync(Ct).Select(m => m.MessageId).ToListAsync(Ct));
        }

        Assert.Empty(api.Delivered(customer.ChatId));
        Assert.True(await redis.Connection.GetDatabase().KeyExistsAsync(Inbox(settings, customer.ConversationKey)));

        await using var next = new TelegramBotFactory(api, settings);
        using var nextWebhook = next.CreateClient(); // starts the host, which queues what the inbox holds
        var t = new FlowTexts(next.Get<FlowCatalog>(), "en");
        await customer.RepliesAsync(2);
        await next.Turns.EndedAsync(id);

        Assert.Equal([id], next.Turns.Done);
        Assert.Single(api.Delivered(customer.ChatId), m => m.Text == Html(t.Step("menu", "greeting")));
        Assert.Equal(2, api.Delivered(customer.ChatId).Count);
        Assert.False(await redis.Connection.GetDatabase().KeyExistsAsync(Inbox(settings, customer.ConversationKey)));
    }

    [Fact]
    public async Task TwoInstancesRecoveringTheSameMessageProcessItOnce()
    {
        using var api = new BotApiStub();
        var settings = RedisSettings();
        var customer = new TelegramCustomer(null, api, 7004, "en");
        var updateId = TelegramCustomer.NextUpdateId();
        var id = updateId.ToString(CultureInfo.InvariantCulture);
        var update = JsonSerializer.Deserialize<Update>(customer.Message(updateId, "/start").ToJsonString(), JsonBotAPI.Options)!;
        var keys = new RedisKeys(settings["Redis:KeyPrefix"]!);
        var inbox = new RedisTurnInbox(redis.Connection, keys, Options.Create(new SessionsOptions()), NullLogger<RedisTurnInbox>.Instance);
        Assert.True((await inbox.AddAsync(TelegramUpdateMapper.Map(update, DateTimeOffset.UtcNow)!)).Added); // left by an instance that crashed

        // Both start while the entry is there (each holds the recovered turn at the gate), then both run it.
        var gate = new TurnGate();
        await using var a = new TelegramBotFactory(api, settings, services: services => HoldTurns(services, gate));
        await using var b = new TelegramBotFactory(api, settings, services: services => HoldTurns(services, gate));
        _ = a.Services;
        _ = b.Services;
        await gate.HeldAsync(2);
        gate.Open();
        await Task.WhenAll(a.Turns.EndedAsync(id), b.Turns.EndedAsync(id));
        await customer.RepliesAsync(2);

        var t = new FlowTexts(a.Get<FlowCatalog>(), "en");
        Assert.Equal(1, a.Turns.Done.Count(d => d == id) + b.Turns.Done.Count(d => d == id));
        Assert.Single(api.Delivered(customer.ChatId), m => m.Text == Html(t.Step("menu", "greeting")));
        Assert.Equal(2, api.Delivered(customer.ChatId).Count);
        Assert.False(await redis.Connection.GetDatabase().KeyExistsAsync(keys.Inbox(customer.ConversationKey)));
    }

    [Fact]
    public async Task ARedeliveryWhoseTurnFailsLeavesTheFirstDeliverysInboxEntryToIt()
    {
        using var api = new BotApiStub();
        var settings = RedisSettings();
        var customer = new TelegramCustomer(null, api, 7008, "en");
        var update = customer.Message(TelegramCustomer.NextUpdateId(), "/start");
        var id = update["update_id"]!.GetValue<int>().ToString(CultureInfo.InvariantCulture);
        var gate = new TurnGate();

        // B's records are down: every turn there fails.
        await using var b = new TelegramBotFactory(api, settings, services: services => services.AddSingleton<ITurnRecords, UnavailableTurnRecords>());
        using var webhookB = b.CreateClient();

        // The first delivery's turn hangs on A; Telegram's redelivery of the same update reaches B and fails there.
        await using (var a = new TelegramBotFactory(api, settings, services: services =>
        {
            HoldTurns(services, gate);
            services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromMilliseconds(200));
        }))
        {
            using var webhookA = a.CreateClient();
            customer.Webhook = webhookA;
            await customer.DeliverAsync(update);
            await gate.HeldAsync(1);

            customer.Webhook = webhookB;
            await customer.DeliverAsync(update);
            await b.Turns.FailedAsync(id);
            var next = (await customer.SayAsync("hello")).ToString(CultureInfo.InvariantCulture); // queued behind it on B
            await b.Turns.FailedAsync(next);

            Assert.Equal([id], await a.Get<ITurnInbox>().PendingAsync(Ct).Select(m => m.MessageId).ToListAsync(Ct));
        } // A dies with its turn held, as good as a crash.

        await using var recovering = new TelegramBotFactory(api, settings);
        using var recoveringWebhook = recovering.CreateClient(); // starts the host, which queues what the inbox holds
        await recovering.Turns.EndedAsync(id);
        await customer.RepliesAsync(2);

        var t = new FlowTexts(recovering.Get<FlowCatalog>(), "en");
        Assert.Single(api.Delivered(customer.ChatId), m => m.Text == Html(t.Step("menu", "greeting")));
        Assert.False(await redis.Connection.GetDatabase().KeyExistsAsync(Inbox(settings, customer.ConversationKey)));
    }

    [Fact]
    public async Task ATelegramTurnCostsTwoRedisRoundTrips()
    {
        using var api = new BotApiStub();
        await using var host = new TelegramBotFactory(api, RedisSettings());
        using var webhook = host.CreateClient();
        var customer = new TelegramCustomer(webhook, api, 7005, "en");
        await customer.SayAsync("/start"); // the scripts are known on the host's connection from now on
        await customer.RepliesAsync(2);
        var connection = host.Get<IConnectionMultiplexer>();
        var before = OperationsSent(connection);

        var id = (await customer.SayAsync("help")).ToString(CultureInfo.InvariantCulture);
        await host.Turns.EndedAsync(id);

        // Inbox add (reading the session and the dedupe key: nothing else was waiting), save (admitting the message and
        // clearing its inbox entry).
        Assert.Equal(2, OperationsSent(connection) - before);
    }

    [Fact]
    public async Task APressOfAnOldQuestionCostsTwoRedisRoundTripsAndLeavesNothingInTheInbox()
    {
        using var api = new BotApiStub();
        var settings = RedisSettings();
        await using var host = new TelegramBotFactory(api, settings);
        using var webhook = host.CreateClient();
        var customer = new TelegramCustomer(webhook, api, 7006, "en");
        await customer.SayAsync("/start");
        await customer.RepliesAsync(2);
        var menu = customer.LastQuestion!;
        await customer.PressAsync("Take the survey");
        await customer.RepliesAsync(2);
        await StalePressAsync(customer, menu, api); // the admit script is known on the host's connection from now on
        var connection = host.Get<IConnectionMultiplexer>();
        var before = OperationsSent(connection);
        var admittedBefore = await AdmittedAsync(settings, customer.ConversationKey);

        await StalePressAsync(customer, menu, api);

        // Inbox add (with the session), admit (taking it out of the inbox): no separate load or removal.
        Assert.Equal(2, OperationsSent(connection) - before);
        Assert.False(await redis.Connection.GetDatabase().KeyExistsAsync(Inbox(settings, customer.ConversationKey)));
        Assert.Equal(admittedBefore + 1, await AdmittedAsync(settings, customer.ConversationKey)); // and it is admitted
    }

    [Fact]
    public async Task ATurnWhoseSessionChangedAfterTheInboxReadItIsRunAgainOnTheStoredOne()
    {
        using var api = new BotApiStub();
        await using var host = new TelegramBotFactory(api, RedisSettings());
        using var webhook = host.CreateClient();
        var customer = new TelegramCustomer(webhook, api, 7007, "en");
        await customer.SayAsync("/start");
        await customer.RepliesAsync(2);
        var address = new ConversationAddress(TelegramUpdateMapper.Channel, customer.ChatId.ToString(CultureInfo.InvariantCulture));
        var atTheMenu = await host.Get<ISessionStore>().LoadAsync(customer.ConversationKey, new MessageIdentity(address.ChannelId, "late"), Ct);
        Assert.Equal("menu", atTheMenu.Session?.State.FlowId);

        // The session moves on (the survey's first question) after "late" was read with the inbox add.
        await customer.PressAsync("Take the survey");
        await customer.RepliesAsync(2);

        var message = InboundMessage.FromText("late", address, "5", "en", DateTimeOffset.UtcNow);
        Assert.True(await host.Get<TurnProcessor>().ProcessAsync(message, new LoadedSession(atTheMenu.Session, false), Ct));

        // Run on the menu, "5" would have been a choice it does not offer; run on the survey, it answers the question.
        var stored = await host.Get<ISessionStore>().LoadAsync(customer.ConversationKey, Ct);
        Assert.Equal("post-purchase-survey", stored?.State.FlowId);
        Assert.Equal("5", Assert.Single(stored!.State.Answers).Value);
    }

    private static async Task StalePressAsync(TelegramCustomer customer, BotMessage question, BotApiStub api)
    {
        var press = await customer.PressAsync(question, "Make a complaint");
        await api.WaitForAsync(calls => calls.Any(c => c.Method == "answerCallbackQuery" && c.Body.GetProperty("callback_query_id").GetString() == press), "the stale press to be answered");
    }

    private async Task<int> AdmittedAsync(Dictionary<string, string?> settings, string conversationKey)
    {
        var pattern = new RedisKeys(settings["Redis:KeyPrefix"]!).Dedupe(conversationKey, "*").ToString();
        return await redis.Connection.GetServers()[0].KeysAsync(pattern: pattern).CountAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task AnUpdateWhoseInboxCannotBeWrittenIsRefusedWith503SoTelegramDeliversItAgain()
    {
        using var api = new BotApiStub();
        var settings = new Dictionary<string, string?>
        {
            // Nothing listens there: the service starts (Redis may come later) but cannot keep the message.
            ["Redis:ConnectionString"] = $"127.0.0.1:{ClosedLoopbackPort()},connectTimeout=500,connectRetry=0,asyncTimeout=1000",
            ["Redis:KeyPrefix"] = RedisServerFixture.NewKeys().Prefix,
        };
        await using var host = new TelegramBotFactory(api, settings);
        using var webhook = host.CreateClient();
        var customer = new TelegramCustomer(webhook, api, 7007, "en");

        using var response = await TelegramCustomer.PostAsync(webhook, customer.Message(42, "/start").ToJsonString(), TelegramBotFactory.Secret);

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(host.Turns.Done); // not queued, so no turn runs: the redelivery is the only copy
        Assert.Empty(api.Delivered(customer.ChatId));
    }

    private static int ClosedLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static long OperationsSent(IConnectionMultiplexer connection) =>
        connection.GetServers().Sum(server => server.GetCounters().Interactive.OperationCount);

    private static void HoldTurns(IServiceCollection services, TurnGate gate) =>
        services.AddSingleton<ISessionStore>(provider => new GatedSessionStore(ActivatorUtilities.CreateInstance<RedisSessionStore>(provider), gate));

    private static RedisKey Inbox(Dictionary<string, string?> settings, string conversationKey) =>
        new RedisKeys(settings["Redis:KeyPrefix"]!).Inbox(conversationKey);

    private Dictionary<string, string?> RedisSettings() => new()
    {
        ["Redis:ConnectionString"] = redis.ConnectionString,
        ["Redis:KeyPrefix"] = RedisServerFixture.NewKeys().Prefix,
    };

    /// <summary>A records store that is down: the turn cannot be recorded, so it does not happen.</summary>
    private sealed class UnavailableTurnRecords : ITurnRecords
    {
        public Task<Guid?> RecordAsync(TurnRecord turn, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The records store is unavailable.");
    }
}
