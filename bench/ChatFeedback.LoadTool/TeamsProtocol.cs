using System.Globalization;
using System.Text.Json;

namespace ChatFeedback.LoadTool;

/// <summary>
/// Microsoft Teams customers in personal chats, the way the Agents Playground talks to a bot in anonymous local mode:
/// Bot Framework activities posted to <c>/api/messages</c> without a token, each conversation's <c>serviceUrl</c>
/// pointing at the <see cref="ConnectorStub"/>. Presses are what Teams sends for the cards' <c>Action.Execute</c>
/// buttons: an <c>adaptiveCard/action</c> invoke, answered in the HTTP response with the card that replaces the question.
/// </summary>
public sealed class TeamsProtocol() : ChannelProtocol(new ConnectorStub())
{
    private const string Tenant = "00000000-0000-0000-0000-00000000load";
    private const string InvokeCardType = "application/vnd.microsoft.card.adaptive";

    public override string Name => "teams";

    public override Uri Endpoint { get; } = new("/api/messages", UriKind.Relative);

    private string _serviceUrl = string.Empty;

    public override void Configure(IDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        _serviceUrl = $"http://127.0.0.1:{Stub.Port}/";

        // Anonymous development mode: no app id, no tokens either way; outbound calls only to the allowed (loopback) stub.
        environment["Teams__AllowAnonymous"] = "true";
        environment["Teams__AllowedServiceUrls__0"] = _serviceUrl;

        // 0 = no limit: the stub is not Teams (7 per second per conversation, about 50 per second per app).
        environment["Teams__PerConversationPerSecond"] = "0";
        environment["Teams__PerConversationBurst"] = "0";
        environment["Teams__PerGroupPerMinute"] = "0";
        environment["Teams__GlobalPerSecond"] = "0";
        environment["Teams__GlobalBurst"] = "0";
    }

    public override CustomerChat NewChat(long number) => new(number, string.Create(CultureInfo.InvariantCulture, $"a:load-{number}"));

    protected override void Text(Utf8JsonWriter json, CustomerChat chat, string text)
    {
        StartActivity(json, chat, "message", NextUpdateId().ToString(CultureInfo.InvariantCulture));
        json.WriteString("text", text);
        json.WriteString("textFormat", "plain");
        json.WriteEndObject();
    }

    protected override void Press(Utf8JsonWriter json, CustomerChat chat, BotCall question, BotButton button)
    {
        StartActivity(json, chat, "invoke", string.Create(CultureInfo.InvariantCulture, $"f:{NextUpdateId()}"));
        json.WriteString("name", "adaptiveCard/action");
        json.WriteString("replyToId", question.MessageId.ToString(CultureInfo.InvariantCulture));
        json.WriteStartObject("value");
        json.WriteStartObject("action");
        json.WriteString("type", "Action.Execute");
        json.WriteString("title", button.Text);
        json.WriteString("verb", "answer");
        json.WritePropertyName("data");
        json.WriteRawValue(button.Payload, skipInputValidation: true);
        json.WriteEndObject();
        json.WriteString("trigger", "manual");
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>An invoke must come back 200 with the card that replaces the question (other activities have no body).</summary>
    protected override ResponseVerdict Read(JsonElement reply)
    {
        Stub.Count("adaptiveCard/action (invoke reply)");
        return reply.TryGetProperty("statusCode", out var status) && status.GetInt32() == 200
            && reply.TryGetProperty("type", out var type) && type.GetString() == InvokeCardType
            ? ResponseVerdict.Acknowledged
            : ResponseVerdict.Refused;
    }

    /// <summary>The envelope Teams puts around every activity in a personal chat (left open for the content).</summary>
    private void StartActivity(Utf8JsonWriter json, CustomerChat chat, string type, string id)
    {
        json.WriteStartObject();
        json.WriteString("type", type);
        json.WriteString("id", id);
        json.WriteString("timestamp", DateTimeOffset.UtcNow);
        json.WriteString("channelId", "msteams");
        json.WriteString("serviceUrl", _serviceUrl);
        json.WriteStartObject("from");
        json.WriteString("id", string.Create(CultureInfo.InvariantCulture, $"29:load-{chat.Number}"));
        json.WriteString("name", "Load");
        json.WriteEndObject();
        json.WriteStartObject("conversation");
        json.WriteString("conversationType", "personal");
        json.WriteString("tenantId", Tenant);
        json.WriteString("id", chat.ConversationId);
        json.WriteEndObject();
        json.WriteStartObject("recipient");
        json.WriteString("id", "28:load-bot");
        json.WriteString("name", "ChatFeedback");
        json.WriteEndObject();
        json.WriteStartObject("channelData");
        json.WriteStartObject("tenant");
        json.WriteString("id", Tenant);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteString("locale", "en-US");
    }
}
