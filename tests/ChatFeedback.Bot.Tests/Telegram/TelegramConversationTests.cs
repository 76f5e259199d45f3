using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFeedback.Bot.Sessions;
using ChatFeedback.Dialogs;
using static ChatFeedback.Bot.Tests.Telegram.TelegramExpect;

namespace ChatFeedback.Bot.Tests.Telegram;

/// <summary>
/// Customers in Telegram, through the real host in webhook mode: updates POSTed to /api/telegram as Telegram sends
/// them, replies read from the Bot API stub, exact Bot API bodies asserted.
/// </summary>
public sealed class TelegramConversationTests : TelegramHostTest
{
    private const string Survey = "post-purchase-survey";
    private const string Complaint = "complaint";

    [Fact]
    public async Task EnglishCustomerTakesTheWholeSurveyPressingButtonsAndTyping()
    {
        var customer = Customer(2001, "en");
        var t = Texts("en");
        var chat = customer.ChatId;
        var presses = new List<string>();

        await customer.SayAsync("/start");
        var hello = await customer.RepliesAsync(2);
        TextMessage(hello[0], chat, t.Step("menu", "greeting"));
        Question(hello[1], chat, t.Step("menu", "main"), "menu", "main", Menu(t));
        Assert.StartsWith("Hello!", hello[0].Text, StringComparison.Ordinal);

        var menu = customer.LastQuestion!;
        presses.Add(await customer.PressAsync("Take the survey"));
        var intro = await customer.RepliesAsync(2);
        PressAnswered(Api, presses[^1], menu, "Take the survey");
        TextMessage(intro[0], chat, t.Step(Survey, "intro"));
        Question(intro[1], chat, t.Step(Survey, "product_quality"), Survey, "product_quality", Satisfaction(t));

        var quality = customer.LastQuestion!;
        presses.Add(await customer.PressAsync("Very satisfied"));
        var service = await customer.ReplyAsync();
        PressAnswered(Api, presses[^1], quality, "Very satisfied");
        Question(service, chat, t.Step(Survey, "service_experience"), Survey, "service_experience", Satisfaction(t));

        await customer.SayAsync("4");
        var process = await customer.ReplyAsync();
        Question(process, chat, t.Step(Survey, "process_efficiency"), Survey, "process_efficiency", Satisfaction(t));

        presses.Add(await customer.PressAsync("Neutral"));
        var trust = await customer.ReplyAsync();
        PressAnswered(Api, presses[^1], process, "Neutral");
        Question(trust, chat, t.Step(Survey, "brand_trust"), Survey, "brand_trust", Satisfaction(t));

        await customer.SayAsync("satisfied");
        var nps = await customer.ReplyAsync();
        Question(nps, chat, t.Step(Survey, "nps"), Survey, "nps", Nps());

        presses.Add(await customer.PressAsync("9"));
        var effort = await customer.ReplyAsync();
        PressAnswered(Api, presses[^1], nps, "9");
        Question(effort, chat, t.Step(Survey, "effort"), Survey, "effort", Effort(t));

        presses.Add(await customer.PressAsync("Very easy"));
        var comment = await customer.ReplyAsync();
        PressAnswered(Api, presses[^1], effort, "Very easy");
        Question(comment, chat, t.Step(Survey, "comment"), Survey, "comment", Row((t.Global("skipButton"), "__skip")));

        await customer.SayAsync("Fast delivery & great quality <3");
        var thanks = await customer.ReplyAsync();
        TextMessage(thanks, chat, t.Step(Survey, "thanks"));

        EveryPressAnswered(Api, presses);
        Assert.Equal(presses.Count, Api.Calls("editMessageText").Count); // a typed answer leaves its question as it was
        Assert.Equal(11, Api.Delivered(chat).Count);
    }

    [Fact]
    public async Task ChineseCustomerTakesTheSurveyAsADetractorAndAgreesToBeContacted()
    {
        // Telegram clients report Chinese as zh-hans; the service answers in its zh-CN texts.
        var customer = Customer(2002, "zh-hans");
        var t = Texts("zh-CN");
        var chat = customer.ChatId;
        var presses = new List<string>();

        await customer.SayAsync("/start");
        var hello = await customer.RepliesAsync(2);
        TextMessage(hello[0], chat, t.Step("menu", "greeting"));
        Assert.StartsWith("您好", hello[0].Text, StringComparison.Ordinal);
        Question(hello[1], chat, t.Step("menu", "main"), "menu", "main", Menu(t));

        var menu = customer.LastQuestion!;
        presses.Add(await customer.PressAsync("参加满意度调查"));
        var intro = await customer.RepliesAsync(2);
        PressAnswered(Api, presses[^1], menu, "参加满意度调查");
        TextMessage(intro[0], chat, t.Step(Survey, "intro"));
        Question(intro[1], chat, t.Step(Survey, "product_quality"), Survey, "product_quality", Satisfaction(t));

        var quality = customer.LastQuestion!;
        presses.Add(await customer.PressAsync("不满意"));
        var service = await customer.ReplyAsync();
        PressAnswered(Api, presses[^1], quality, "不满意");
        Question(service, chat, t.Step(Survey, "service_experience"), Survey, "service_experience", Satisfaction(t));

        await customer.SayAsync("满意");
        var process = await customer.ReplyAsync();
        Question(process, chat, t.Step(Survey, "process_efficiency"), Survey, "process_efficiency", Satisfaction(t));

        presses.Add(await customer.PressAsync("一般"));
        var trust = await customer.ReplyAsync();
        PressAnswered(Api, presses[^1], process, "一般");
        Question(trust, chat, t.Step(Survey, "brand_trust"), Survey, "brand_trust", Satisfaction(t));

        await customer.SayAsync("５");
        var nps = await customer.ReplyAsync();
        Question(nps, chat, t.Step(Survey, "nps"), Survey, "nps", Nps());

        presses.Add(await customer.PressAsync("3"));
        var effort = await customer.ReplyAsync();
        PressAnswered(Api, presses[^1], nps, "3");
        Question(effort, chat, t.Step(Survey, "effort"), Survey, "effort", Effort(t));

        await customer.SayAsync("非常容易");
        var comment = await customer.ReplyAsync();
        Question(comment, chat, t.Step(Survey, "comment"), Survey, "comment", Row(("跳过", "__skip")));

        presses.Add(await customer.PressAsync("跳过"));
        var contact = await customer.ReplyAsync();
        PressAnswered(Api, presses[^1], comment, "跳过");
        Question(contact, chat, t.Step(Survey, "contact_permission"), Survey, "contact_permission", Row((t.Yes, "yes"), (t.No, "no")));

        presses.Add(await customer.PressAsync(t.Yes));
        var thanks = await customer.ReplyAsync();
        PressAnswered(Api, presses[^1], contact, t.Yes);
        TextMessage(thanks, chat, t.Step(Survey, "contact_thanks"));

        EveryPressAnswered(Api, presses);
        Assert.Equal(12, Api.Delivered(chat).Count);
    }

    [Fact]
    public async Task EnglishCustomerFilesAComplaintAndIsAskedAgainForATooShortDescription()
    {
        var customer = Customer(2003, "en");
        var t = Texts("en");
        var chat = customer.ChatId;
        var presses = new List<string>();

        await customer.SayAsync("/complaint");
        var intro = await customer.RepliesAsync(2);
        TextMessage(intro[0], chat, t.Step(Complaint, "intro"));
        Question(intro[1], chat, t.Step(Complaint, "category"), Complaint, "category", Categories(t));

        var category = customer.LastQuestion!;
        presses.Add(await customer.PressAsync("Delivery"));
        var description = await customer.ReplyAsync();
        PressAnswered(Api, presses[^1], category, "Delivery");
        TextMessage(description, chat, t.Step(Complaint, "description")); // free text: no keyboard

        await customer.SayAsync("late");
        var again = await customer.RepliesAsync(2);
        TextMessage(again[0], chat, t.Global("textTooShort").Replace("{min}", "10", StringComparison.Ordinal));
        TextMessage(again[1], chat, t.Step(Complaint, "description"));

        await customer.SayAsync("The parcel arrived two weeks late & the box was crushed.");
        var order = await customer.ReplyAsync();
        Question(order, chat, t.Step(Complaint, "order_number"), Complaint, "order_number", Row(("Skip", "__skip")));

        await customer.SayAsync("A-1001");
        var outcome = await customer.ReplyAsync();
        Question(outcome, chat, t.Step(Complaint, "desired_outcome"), Complaint, "desired_outcome", Outcomes(t));

        presses.Add(await customer.PressAsync("Refund"));
        var contact = await customer.ReplyAsync();
        PressAnswered(Api, presses[^1], outcome, "Refund");
        Question(contact, chat, t.Step(Complaint, "contact_permission"), Complaint, "contact_permission", Row((t.Yes, "yes"), (t.No, "no")));

        presses.Add(await customer.PressAsync(t.Yes));
        var confirmed = await customer.ReplyAsync();
        PressAnswered(Api, presses[^1], contact, t.Yes);
        TextMessage(confirmed, chat, t.Step(Complaint, "confirmed"));

        EveryPressAnswered(Api, presses);
        Assert.Equal(9, Api.Delivered(chat).Count);
    }

    [Fact]
    public async Task ChineseCustomerFilesAComplaintWithoutContact()
    {
        var customer = Customer(2004, "zh-CN");
        var t = Texts("zh-CN");
        var chat = customer.ChatId;
        var presses = new List<string>();

        await customer.SayAsync("/complaint");
        var intro = await customer.RepliesAsync(2);
        TextMessage(intro[0], chat, t.Step(Complaint, "intro"));
        Assert.StartsWith("很抱歉", intro[0].Text, StringComparison.Ordinal);
        Question(intro[1], chat, t.Step(Complaint, "category"), Complaint, "category", Categories(t));

        var category = customer.LastQuestion!;
        presses.Add(await customer.PressAsync("产品质量"));
        var description = await customer.ReplyAsync();
        PressAnswered(Api, presses[^1], category, "产品质量");
        TextMessage(description, chat, t.Step(Complaint, "description"));

        await customer.SayAsync("收到的杯子有裂缝，而且包装也破了。");
        var order = await customer.ReplyAsync();
        Question(order, chat, t.Step(Complaint, "order_number"), Complaint, "order_number", Row(("跳过", "__skip")));

        presses.Add(await customer.PressAsync("跳过"));
        var outcome = await customer.ReplyAsync();
        PressAnswered(Api, presses[^1], order, "跳过");
        Question(outcome, chat, t.Step(Complaint, "desired_outcome"), Complaint, "desired_outcome", Outcomes(t));

        presses.Add(await customer.PressAsync("换货"));
        var contact = await customer.ReplyAsync();
        PressAnswered(Api, presses[^1], outcome, "换货");
        Question(contact, chat, t.Step(Complaint, "contact_permission"), Complaint, "contact_permission", Row((t.Yes, "yes"), (t.No, "no")));

        presses.Add(await customer.PressAsync(t.No));
        var confirmed = await customer.ReplyAsync();
        PressAnswered(Api, presses[^1], contact, t.No);
        TextMessage(confirmed, chat, t.Step(Complaint, "confirmed_no_contact"));

        EveryPressAnswered(Api, presses);
        Assert.Equal(7, Api.Delivered(chat).Count);
    }

    [Fact]
    public async Task PressingAButtonOfAnEarlierQuestionOnlyShowsANoticeAndChangesNothing()
    {
        var customer = Customer(2005, "en");
        var t = Texts("en");
        await customer.SayAsync("/start");
        await customer.RepliesAsync(2);
        var menu = customer.LastQuestion!;
        await customer.PressAsync("Take the survey");
        await customer.RepliesAsync(2);
        var before = await Session(customer);

        var stale = await customer.PressAsync(menu, "Make a complaint");
        await Api.WaitForAsync(calls => calls.Any(c => c.Method == "answerCallbackQuery" && c.Body.GetProperty("callback_query_id").GetString() == stale), "the stale press to be answered");

        var notice = Assert.Single(Api.Calls("answerCallbackQuery"), c => c.Body.GetProperty("callback_query_id").GetString() == stale);
        Assert.Equal(t.Global("staleButton"), String(notice.Body, "text"));
        var after = await Session(customer);
        Assert.Equal((before.State.FlowId, before.State.StepId, before.State.Retries), (after.State.FlowId, after.State.StepId, after.State.Retries));
        Assert.Equal(before.State.Answers, after.State.Answers);
        Assert.Equal(before.Version, after.Version); // nothing was written

        // The open question is still the survey's first: a typed answer answers it.
        await customer.SayAsync("5");
        var next = await customer.ReplyAsync();
        Question(next, customer.ChatId, t.Step(Survey, "service_experience"), Survey, "service_experience", Satisfaction(t));
        Assert.Equal(5, Api.Delivered(customer.ChatId).Count); // greeting, menu, intro, question, next: nothing for the stale press
        Assert.Single(Api.Calls("editMessageText")); // only the menu's answered press
    }

    [Fact]
    public async Task StopCommandOptsTheCustomerOut()
    {
        var customer = Customer(2006, "en");
        await customer.SayAsync("/start");
        await customer.RepliesAsync(2);

        await customer.SayAsync("/stop");
        var stopped = await customer.ReplyAsync();

        TextMessage(stopped, customer.ChatId, Texts("en").Global("stopped"));
        Assert.True((await Session(customer)).OptedOut);
    }

    [Fact]
    public async Task BlockingTheBotInTheClientOptsTheCustomerOut()
    {
        var customer = Customer(2011, "en");
        await customer.SayAsync("/start");
        await customer.RepliesAsync(2);

        await customer.DeliverAsync(new JsonObject
        {
            ["update_id"] = TelegramCustomer.NextUpdateId(),
            ["my_chat_member"] = new JsonObject
            {
                ["chat"] = new JsonObject { ["id"] = customer.ChatId, ["first_name"] = "Mei", ["type"] = "private" },
                ["from"] = new JsonObject { ["id"] = customer.ChatId, ["is_bot"] = false, ["first_name"] = "Mei" },
                ["date"] = 1_741_942_900,
                ["old_chat_member"] = new JsonObject { ["status"] = "member", ["user"] = Bot() },
                ["new_chat_member"] = new JsonObject { ["status"] = "kicked", ["until_date"] = 0, ["user"] = Bot() },
            },
        });
        await customer.SayAsync("agent"); // handled after the block: one chat, one queue
        await customer.ReplyAsync();

        Assert.True((await Session(customer)).OptedOut);

        static JsonObject Bot() => new() { ["id"] = 123456, ["is_bot"] = true, ["first_name"] = "ChatFeedback", ["username"] = "ChatFeedbackBot" };
    }

    [Fact]
    public async Task DeleteCommandConfirmedWithYesErasesTheSession()
    {
        var customer = Customer(2007, "en");
        var t = Texts("en");
        await customer.SayAsync("/start");
        await customer.RepliesAsync(2);
        Assert.NotNull(await Session(customer));

        await customer.SayAsync("/delete");
        var confirm = await customer.ReplyAsync();
        Question(confirm, customer.ChatId, t.Step("delete-data", "confirm"), "delete-data", "confirm", Row((t.Yes, "yes"), (t.No, "no")));
        var press = await customer.PressAsync(t.Yes);
        var erased = await customer.ReplyAsync();

        PressAnswered(Api, press, confirm, t.Yes);
        TextMessage(erased, customer.ChatId, t.Step("delete-data", "erased"));
        Assert.Null(await Host.Get<ISessionStore>().LoadAsync(customer.ConversationKey, Ct));
    }

    [Fact]
    public async Task SurveyLinkStartsTheSurveyOnceThenOpensTheMenu()
    {
        var t = Texts("en");
        var token = await CreateSurveyLinkAsync();

        var buyer = Customer(2008, "en");
        await buyer.SayAsync($"/start {token}");
        var survey = await buyer.RepliesAsync(2);
        TextMessage(survey[0], buyer.ChatId, t.Step(Survey, "intro"));
        Question(survey[1], buyer.ChatId, t.Step(Survey, "product_quality"), Survey, "product_quality", Satisfaction(t));

        // The link was used: whoever follows it again gets the menu.
        var friend = Customer(2009, "en");
        await friend.SayAsync($"/start {token}");
        var menu = await friend.RepliesAsync(2);
        TextMessage(menu[0], friend.ChatId, t.Step("menu", "greeting"));
        Question(menu[1], friend.ChatId, t.Step("menu", "main"), "menu", "main", Menu(t));

        var stranger = Customer(2010, "en");
        await stranger.SayAsync("/start NoSuchToken_0123456789");
        var strangerMenu = await stranger.RepliesAsync(2);
        TextMessage(strangerMenu[0], stranger.ChatId, t.Step("menu", "greeting"));
        Question(strangerMenu[1], stranger.ChatId, t.Step("menu", "main"), "menu", "main", Menu(t));
    }

    private async Task<string> CreateSurveyLinkAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/survey-links")
        {
            Content = JsonContent.Create(new { orderId = "A-1001", customerId = "c-42" }),
        };
        request.Headers.Add("X-Api-Key", TelegramBotFactory.ApiKey);
        using var response = await Webhook.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(Survey, json.RootElement.GetProperty("flowId").GetString());
        return json.RootElement.GetProperty("token").GetString()!;
    }

    private TelegramCustomer Customer(long chatId, string? languageCode) => new(Webhook, Api, chatId, languageCode);

    private FlowTexts Texts(string locale) => new(Host.Get<FlowCatalog>(), locale);

    private async Task<StoredSession> Session(TelegramCustomer customer) =>
        await Host.Get<ISessionStore>().LoadAsync(customer.ConversationKey, Ct) ?? throw new InvalidOperationException("No session.");

    internal static (string, string)[][] Menu(FlowTexts t) =>
        OnePerRow([.. new[] { "survey", "complaint", "agent", "stop" }.Select(id => (t.Choice("menu", "main", id), id))]);

    internal static (string, string)[][] Satisfaction(FlowTexts t) =>
        OnePerRow([.. new[] { 5, 4, 3, 2, 1 }.Select(p => (t.ScaleLabel("satisfaction5", p), p.ToString(CultureInfo.InvariantCulture)))]);

    private static (string, string)[][] Effort(FlowTexts t) =>
        OnePerRow([.. new[] { 1, 2, 3, 4, 5 }.Select(p => (t.ScaleLabel("effort5", p), p.ToString(CultureInfo.InvariantCulture)))]);

    private static (string, string)[][] Nps()
    {
        var points = Enumerable.Range(0, 11).Select(p => p.ToString(CultureInfo.InvariantCulture)).Select(p => (p, p)).ToArray();
        return [points[..6], points[6..]];
    }

    private static (string, string)[][] Categories(FlowTexts t) =>
        OnePerRow([.. new[] { "product_quality", "delivery", "customer_service", "billing", "other" }.Select(id => (t.Choice(Complaint, "category", id), id))]);

    private static (string, string)[][] Outcomes(FlowTexts t) =>
        OnePerRow([.. new[] { "refund", "replacement", "repair", "explanation", "other" }.Select(id => (t.Choice(Complaint, "desired_outcome", id), id))]);
}
