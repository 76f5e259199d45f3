using System.Globalization;
using System.Text.Json;

namespace ChatFeedback.LoadTool;

/// <summary>
/// Telegram customers in private chats: updates go to the webhook with its secret header, presses are callback queries
/// carrying the question's <c>callback_data</c>, and the Bot API stub receives the service's calls. A press may be
/// answered in the webhook's response (<c>{"method":"answerCallbackQuery",…}</c>) or by an API call.
/// </summary>
public sealed class TelegramProtocol() : ChannelProtocol(new BotApiStub())
{
    private readonly string _secret = "load_" + Guid.NewGuid().ToString("N");

    public override string Name => "telegram";

    public override Uri Endpoint { get; } = new("/api/telegram", UriKind.Relative);

    public override void Configure(IDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        environment["Telegram__BotToken"] = "123456:LOAD";
        environment["Telegram__Mode"] = "Webhook";
        environment["Telegram__WebhookUrl"] = "https://load.example.test/api/telegram";
        environment["Telegram__WebhookSecret"] = _secret;
        environment["Telegram__ApiBaseUrl"] = $"http://127.0.0.1:{Stub.Port}";

        // 0 = no limit (ChannelThrottle creates no bucket): the stub is not Telegram and must not be what throttles.
        environment["Telegram__PerChatPerSecond"] = "0";
        environment["Telegram__PerGroupPerMinute"] = "0";
        environment["Telegram__GlobalPerSecond"] = "0";
    }

    public override void Configure(HttpClient http) => http?.DefaultRequestHeaders.Add("X-Telegram-Bot-Api-Secret-Token", _secret);

    // Chat ids are new every run (the caller's numbers are), so a reused Redis never hands a customer an old session.
    public override CustomerChat NewChat(long number) => new(number, number.ToString(CultureInfo.InvariantCulture));

    protected override void Text(Utf8JsonWriter json, CustomerChat chat, string text)
    {
        var updateId = NextUpdateId();
        json.WriteStartObject();
        json.WriteNumber("update_id", updateId);
        json.WriteStartObject("message");
        json.WriteNumber("message_id", updateId);
        json.WriteNumber("date", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        WriteChat(json, chat);
        WriteFrom(json, chat);
        json.WriteString("text", text);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    protected override void Press(Utf8JsonWriter json, CustomerChat chat, BotCall question, BotButton button)
    {
        var updateId = NextUpdateId();
        json.WriteStartObject();
        json.WriteNumber("update_id", updateId);
        json.WriteStartObject("callback_query");
        json.WriteString("id", string.Create(CultureInfo.InvariantCulture, $"{chat.Number}_{updateId}")); // routed by BotApiStub.ChatOfCallback
        WriteFrom(json, chat);
        json.WriteString("chat_instance", "load");
        json.WriteString("data", button.Payload);
        json.WriteStartObject("message");
        json.WriteNumber("message_id", question.MessageId);
        json.WriteNumber("date", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        WriteChat(json, chat);
        json.WriteStartObject("from");
        json.WriteNumber("id", 123456);
        json.WriteBoolean("is_bot", true);
        json.WriteString("first_name", "LoadBot");
        json.WriteEndObject();
        json.WriteString("text", question.Text);
        if (question.KeyboardJson is { } keyboard)
        {
            json.WritePropertyName("reply_markup");
            json.WriteRawValue(keyboard, skipInputValidation: true);
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>A press answered in the webhook's response counts as an answerCallbackQuery call, marked as such.</summary>
    protected override ResponseVerdict Read(JsonElement reply)
    {
        if (!reply.TryGetProperty("method", out var method) || method.GetString() != "answerCallbackQuery")
        {
            return ResponseVerdict.Acknowledged;
        }

        Stub.Count("answerCallbackQuery (webhook reply)");
        return reply.TryGetProperty("text", out var text) && !string.IsNullOrEmpty(text.GetString())
            ? ResponseVerdict.StaleNotice
            : ResponseVerdict.Acknowledged;
    }

    private static void WriteChat(Utf8JsonWriter json, CustomerChat chat)
    {
        json.WriteStartObject("chat");
        json.WriteNumber("id", chat.Number);
        json.WriteString("type", "private");
        json.WriteString("first_name", "Load");
        json.WriteEndObject();
    }

    private static void WriteFrom(Utf8JsonWriter json, CustomerChat chat)
    {
        json.WriteStartObject("from");
        json.WriteNumber("id", chat.Number);
        json.WriteBoolean("is_bot", false);
        json.WriteString("first_name", "Load");
        json.WriteString("language_code", "en");
        json.WriteEndObject();
    }
}
