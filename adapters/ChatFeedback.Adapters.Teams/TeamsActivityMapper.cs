using System.Globalization;
using System.Text.Json;

namespace ChatFeedback.Adapters.Teams;

/// <summary>
/// Turns a Bot Framework activity into a channel-neutral <see cref="InboundMessage"/>; null means the activity is of
/// no interest (reactions, typing, unknown event types, updates about other members). Pure: no I/O, no clock.
/// </summary>
public static class TeamsActivityMapper
{
    /// <summary>The channel id of Teams, as in <see cref="ConversationAddress.ChannelId"/>, also for Playground activities.</summary>
    public const string Channel = "msteams";

    /// <summary>The keys of a button's data: question id, value, and (for the answered card) label and question text.</summary>
    public const string QuestionKey = "q";
    public const string ValueKey = "v";
    public const string LabelKey = "l";
    public const string TextKey = "t";

    /// <summary>The invoke Teams sends for <c>Action.Execute</c>.</summary>
    public const string AdaptiveCardActionInvoke = "adaptiveCard/action";

    /// <summary>Maps one non-invoke activity.</summary>
    /// <param name="activity">The activity as the connector sent it.</param>
    /// <param name="now">When it arrived; used when the activity has no usable timestamp.</param>
    public static InboundMessage? Map(TeamsActivity activity, DateTimeOffset now) => Map(activity, now, out _);

    /// <summary>Maps one non-invoke activity, saying why when it cannot be used.</summary>
    /// <param name="defect">
    /// Set when the result is null because the activity lacks what the connector always sends (a conversation id, a
    /// serviceUrl to answer on); null when the activity is simply of no interest. Names fields, never their content.
    /// </param>
    public static InboundMessage? Map(TeamsActivity activity, DateTimeOffset now, out string? defect)
    {
        ArgumentNullException.ThrowIfNull(activity);
        defect = null;
        if (Address(activity) is not { } address)
        {
            defect = string.IsNullOrEmpty(activity.Conversation?.Id) ? "activity without conversation.id" : "activity without serviceUrl";
            return null;
        }

        var messageId = MessageId(activity);
        var receivedAt = ReceivedAt(activity, now);
        var locale = string.IsNullOrWhiteSpace(activity.Locale) ? null : activity.Locale;

        switch (activity.Type)
        {
            case "message":
                if (ReadButton(activity.Value) is { } press)
                {
                    return InboundMessage.FromButton(messageId, address, press.Button, locale, receivedAt);
                }

                var text = RemoveBotMention(activity);
                return string.IsNullOrWhiteSpace(text) ? null : InboundMessage.FromText(messageId, address, text, locale, receivedAt);

            case "conversationUpdate":
                // Only the bot's own arrival opens the conversation; other members joining a team are not customers acting.
                var botId = activity.Recipient?.Id;
                // Untrusted JSON: a list may hold nulls ("membersAdded":[null]) whatever the element type says.
                var botAdded = botId is not null && activity.MembersAdded?.Any(m => m is not null && string.Equals(m.Id, botId, StringComparison.Ordinal)) == true;
                return botAdded ? InboundMessage.Opened(messageId, address, locale, receivedAt) : null;

            case "installationUpdate":
                return activity.Action switch
                {
                    "add" => InboundMessage.Opened(messageId, address, locale, receivedAt),
                    "remove" => new InboundMessage(messageId, address, InboundKind.ChannelLeft, null, null, locale, receivedAt),
                    _ => null,
                };

            default:
                return null;
        }
    }

    /// <summary>
    /// Maps an <c>adaptiveCard/action</c> invoke (<c>Action.Execute</c>) to a button press; null when it carries no
    /// <c>{q, v}</c> data. Also returns the label and question text the button carried, for the updated card.
    /// </summary>
    public static TeamsCardAction? MapCardAction(TeamsActivity activity, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (activity.Type != "invoke" || activity.Name != AdaptiveCardActionInvoke || Address(activity) is not { } address)
        {
            return null;
        }

        if (activity.Value is not { ValueKind: JsonValueKind.Object } value
            || !value.TryGetProperty("action", out var action)
            || action.ValueKind != JsonValueKind.Object
            || !action.TryGetProperty("data", out var data)
            || ReadButton(data) is not { } press)
        {
            return null;
        }

        var locale = string.IsNullOrWhiteSpace(activity.Locale) ? null : activity.Locale;
        var message = InboundMessage.FromButton(MessageId(activity), address, press.Button, locale, ReceivedAt(activity, now));
        return new TeamsCardAction(message, press.Label, press.QuestionText);
    }

    /// <summary>The address replies go to. The channel id stays <c>msteams</c> even for Playground/Emulator activities.</summary>
    public static ConversationAddress? Address(TeamsActivity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var conversationId = activity.Conversation?.Id;
        if (string.IsNullOrEmpty(conversationId) || string.IsNullOrEmpty(activity.ServiceUrl))
        {
            return null;
        }

        var tenantId = ReadString(activity.ChannelData, "tenant", "id") ?? activity.Conversation?.TenantId;
        var isGroup = activity.Conversation?.ConversationType is "groupChat" or "channel" || activity.Conversation?.IsGroup == true;
        return new ConversationAddress(Channel, conversationId, activity.From?.Id, activity.ServiceUrl, tenantId, isGroup);
    }

    /// <summary>
    /// Removes the bot's own <c>&lt;at&gt;…&lt;/at&gt;</c> mention (the mention entity whose <c>mentioned.id</c> is the
    /// recipient), case-insensitively, and trims. Mentions of anyone else stay.
    /// </summary>
    public static string? RemoveBotMention(TeamsActivity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var text = activity.Text;
        var botId = activity.Recipient?.Id;
        if (string.IsNullOrEmpty(text) || botId is null || activity.Entities is not { ValueKind: JsonValueKind.Array } entities)
        {
            return text?.Trim();
        }

        foreach (var entity in entities.EnumerateArray())
        {
            if (entity.ValueKind != JsonValueKind.Object
                || ReadString(entity, "type") != "mention"
                || !string.Equals(ReadString(entity, "mentioned", "id"), botId, StringComparison.Ordinal))
            {
                continue;
            }

            var mentionText = ReadString(entity, "text");
            if (string.IsNullOrEmpty(mentionText) && ReadString(entity, "mentioned", "name") is { Length: > 0 } name)
            {
                mentionText = $"<at>{name}</at>";
            }

            if (!string.IsNullOrEmpty(mentionText))
            {
                text = text.Replace(mentionText, string.Empty, StringComparison.OrdinalIgnoreCase);
            }
        }

        return text.Trim();
    }

    private static (ButtonPress Button, string? Label, string? QuestionText)? ReadButton(JsonElement? data)
    {
        if (data is not { ValueKind: JsonValueKind.Object } element
            || ReadScalar(element, QuestionKey) is not { Length: > 0 } questionId
            || ReadScalar(element, ValueKey) is not { } value)
        {
            return null;
        }

        return (new ButtonPress(questionId, value), ReadScalar(element, LabelKey), ReadScalar(element, TextKey));
    }

    /// <summary>The dedupe key: the activity id, or (for the rare activity without one) a stable composite.</summary>
    private static string MessageId(TeamsActivity activity) =>
        !string.IsNullOrEmpty(activity.Id)
            ? activity.Id
            : $"{activity.Type}:{activity.Conversation?.Id}:{activity.Timestamp}";

    private static DateTimeOffset ReceivedAt(TeamsActivity activity, DateTimeOffset now) =>
        DateTimeOffset.TryParse(activity.Timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : now;

    private static string? ReadScalar(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var property))
        {
            return null;
        }

        return property.ValueKind switch
        {
            JsonValueKind.String => property.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.GetRawText(),
            _ => null,
        };
    }

    private static string? ReadString(JsonElement? element, params ReadOnlySpan<string> path)
    {
        if (element is not { } current)
        {
            return null;
        }

        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }

        return current.ValueKind == JsonValueKind.String ? current.GetString() : null;
    }
}

/// <summary>An <c>Action.Execute</c> press: the message for the sink, and what the answered card should show.</summary>
public sealed record TeamsCardAction(InboundMessage Message, string? Label, string? QuestionText);
