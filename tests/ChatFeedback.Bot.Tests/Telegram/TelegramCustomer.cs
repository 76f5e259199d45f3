using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFeedback.Adapters.Telegram;

namespace ChatFeedback.Bot.Tests.Telegram;

/// <summary>
/// A customer in a private Telegram chat (or a group, with <paramref name="chatType"/>), as Telegram delivers them to
/// the webhook: typing sends a message update, pressing a button sends a callback query for the message that carries
/// it. Replies are read from the Bot API stub.
/// </summary>
internal sealed class TelegramCustomer(HttpClient? webhook, BotApiStub api, long chatId, string? languageCode = "en", string chatType = "private")
{
    private static int s_nextUpdateId = 700_000_000;
    private static int s_nextCallbackId;
    private int _read;

    public long ChatId { get; } = chatId;

    public string ConversationKey => $"{TelegramUpdateMapper.Channel}:{ChatId.ToString(CultureInfo.InvariantCulture)}";

    public HttpClient? Webhook { get; set; } = webhook;

    /// <summary>The last message from the bot with buttons, which <see cref="PressAsync(string)"/> presses.</summary>
    public BotMessage? LastQuestion { get; private set; }

    public static int NextUpdateId() => Interlocked.Increment(ref s_nextUpdateId);

    /// <summary>Types <paramref name="text"/>; returns the update id.</summary>
    public async Task<int> SayAsync(string text)
    {
        var update = Message(NextUpdateId(), text);
        await DeliverAsync(update);
        return update["update_id"]!.GetValue<int>();
    }

    /// <summary>The group was upgraded to a supergroup: Telegram's service message in the old chat; returns the update id.</summary>
    public async Task<int> MigrateToAsync(long supergroupChatId)
    {
        var updateId = NextUpdateId();
        var update = Message(updateId, text: null);
        update["message"]!["migrate_to_chat_id"] = supergroupChatId;
        await DeliverAsync(update);
        return updateId;
    }

    /// <summary>Presses the button labelled <paramref name="label"/> under the last question; returns the callback query id.</summary>
    public Task<string> PressAsync(string label) =>
        PressAsync(LastQuestion ?? throw new InvalidOperationException("The bot has not asked anything with buttons yet."), label);

    /// <summary>Presses a button under <paramref name="question"/>, however old it is.</summary>
    public async Task<string> PressAsync(BotMessage question, string label)
    {
        var update = CallbackQuery(NextUpdateId(), question, question.Button(label));
        await DeliverAsync(update);
        return update["callback_query"]!["id"]!.GetValue<string>();
    }

    /// <summary>Waits for the bot's next <paramref name="count"/> messages in this chat and returns them.</summary>
    public async Task<IReadOnlyList<BotMessage>> RepliesAsync(int count)
    {
        var target = _read + count;
        await api.WaitForAsync(_ => api.Delivered(ChatId).Count >= target, $"{count} more message(s) to chat {ChatId}");
        var replies = api.Delivered(ChatId).Skip(_read).Take(count).ToList();
        _read = target;
        if (replies.LastOrDefault(r => r.Keyboard is not null) is { } question)
        {
            LastQuestion = question;
        }

        return replies;
    }

    /// <summary>Waits for the bot's next message in this chat.</summary>
    public async Task<BotMessage> ReplyAsync() => (await RepliesAsync(1))[0];

    /// <summary>
    /// POSTs an update to the webhook with the right secret and expects Telegram's acknowledgement; a method call in
    /// the reply (a callback query's answer) is carried out at the stub, as Telegram does.
    /// </summary>
    public async Task DeliverAsync(JsonObject update)
    {
        using var response = await PostAsync(Webhook ?? throw new InvalidOperationException("No webhook to post to (polling mode)."), update.ToJsonString(), TelegramBotFactory.Secret);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"webhook answered {(int)response.StatusCode}: {body}");
        if (body.Length > 0)
        {
            using var reply = JsonDocument.Parse(body);
            api.RecordWebhookReply(reply.RootElement);
        }
    }

    public static async Task<HttpResponseMessage> PostAsync(HttpClient webhook, string body, string? secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, TelegramEndpoints.Route)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (secret is not null)
        {
            request.Headers.Add(TelegramEndpoints.SecretHeader, secret);
        }

        return await webhook.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>A message update as Telegram sends it in this customer's chat; without text when <paramref name="text"/> is null.</summary>
    public JsonObject Message(int updateId, string? text)
    {
        var message = new JsonObject
        {
            ["message_id"] = updateId % 100_000,
            ["from"] = From(),
            ["chat"] = Chat(),
            ["date"] = 1_741_942_800,
        };
        if (text is not null)
        {
            message["text"] = text;
        }

        return new JsonObject { ["update_id"] = updateId, ["message"] = message };
    }

    /// <summary>A callback query update for a press of <paramref name="button"/> under <paramref name="question"/>.</summary>
    public JsonObject CallbackQuery(int updateId, BotMessage question, BotButton button) => new()
    {
        ["update_id"] = updateId,
        ["callback_query"] = new JsonObject
        {
            ["id"] = $"cbq-{Interlocked.Increment(ref s_nextCallbackId)}",
            ["from"] = From(),
            ["message"] = new JsonObject
            {
                ["message_id"] = question.MessageId,
                ["from"] = new JsonObject { ["id"] = 123456, ["is_bot"] = true, ["first_name"] = "ChatFeedback", ["username"] = "ChatFeedbackBot" },
                ["chat"] = Chat(),
                ["date"] = 1_741_942_800,

                // The client shows the parsed text, not the HTML that was sent.
                ["text"] = WebUtility.HtmlDecode(question.Text),
                ["reply_markup"] = JsonNode.Parse(question.Body.GetProperty("reply_markup").GetRawText()),
            },
            ["chat_instance"] = "-4242",
            ["data"] = button.CallbackData,
        },
    };

    private JsonObject From()
    {
        var from = new JsonObject { ["id"] = ChatId, ["is_bot"] = false, ["first_name"] = "Mei" };
        if (languageCode is not null)
        {
            from["language_code"] = languageCode;
        }

        return from;
    }

    private JsonObject Chat() => chatType == "private"
        ? new() { ["id"] = ChatId, ["first_name"] = "Mei", ["type"] = chatType }
        : new() { ["id"] = ChatId, ["title"] = "Store Support", ["type"] = chatType };
}
