using System.Text.RegularExpressions;

namespace ChatFeedback.Adapters.WebChat;

/// <summary>Pure mapping between the web chat's wire format and the channel-neutral contracts.</summary>
public static partial class WebChatMapper
{
    /// <summary>Longest question id or button value accepted back from the browser.</summary>
    public const int MaxButtonFieldLength = 200;

    /// <summary>The field errors of a posted message, keyed by field name; empty when it is valid.</summary>
    public static Dictionary<string, string[]> Validate(WebChatPostRequest request, int maxTextLength)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);

        if (string.IsNullOrWhiteSpace(request.Id))
        {
            errors["id"] = ["The message id is required."];
        }
        else if (request.Id.Length > WebChatOptionsValidator.MaxMessageIdLength)
        {
            errors["id"] = [$"The message id must be at most {WebChatOptionsValidator.MaxMessageIdLength} characters."];
        }

        if (request.Text is not null && request.Button is not null)
        {
            errors["text"] = ["Send either text or button, not both."];
        }
        else if (request.Text is null && request.Button is null)
        {
            errors["text"] = ["Send either text or button."];
        }
        else if (request.Text is not null)
        {
            if (string.IsNullOrWhiteSpace(request.Text))
            {
                errors["text"] = ["The text must not be empty."];
            }
            else if (request.Text.Length > maxTextLength)
            {
                errors["text"] = [$"The text must be at most {maxTextLength} characters."];
            }
        }
        else if (request.Button is { } button)
        {
            CheckButtonField(errors, "button.questionId", button.QuestionId);
            CheckButtonField(errors, "button.value", button.Value);
        }

        return errors;
    }

    /// <summary>The field errors of a locale chosen by the browser; empty when absent or valid.</summary>
    public static Dictionary<string, string[]> ValidateLocale(string? locale)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (locale is not null && (locale.Length > 35 || !LocalePattern().IsMatch(locale)))
        {
            errors["locale"] = ["The locale must be a BCP 47 language tag such as 'en' or 'zh-CN'."];
        }

        return errors;
    }

    /// <summary>The address of a web chat conversation; the browser is anonymous, so there is no user id.</summary>
    public static ConversationAddress Address(string conversationId) => new(WebChatAdapter.Channel, conversationId);

    /// <summary>
    /// Maps a validated message to an inbound message, or null when there is nothing to hand on. The message id is
    /// scoped to the conversation, because clients choose their ids.
    /// </summary>
    public static InboundMessage? ToInbound(WebChatPostRequest request, WebChatConversation conversation, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(conversation);
        if (string.IsNullOrWhiteSpace(request.Id))
        {
            return null;
        }

        var messageId = $"{conversation.Id}/{request.Id}";
        var address = Address(conversation.Id);
        return request switch
        {
            { Text: { } text } when !string.IsNullOrWhiteSpace(text) =>
                InboundMessage.FromText(messageId, address, text.Trim(), conversation.Locale, receivedAt),
            { Button: { QuestionId: { Length: > 0 } questionId, Value: { } value } } =>
                InboundMessage.FromButton(messageId, address, new ButtonPress(questionId, value), conversation.Locale, receivedAt),
            _ => null,
        };
    }

    /// <summary>The inbound message that tells the bot a customer opened the chat, so it greets them.</summary>
    public static InboundMessage Opened(WebChatConversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return InboundMessage.Opened($"{conversation.Id}/opened", Address(conversation.Id), conversation.Locale, conversation.CreatedAt);
    }

    /// <summary>An outbound message as the browser receives it.</summary>
    public static WebChatMessageDto ToDto(WebChatTranscriptEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var question = entry.Message.Question is { } q
            ? new WebChatQuestionDto(
                q.QuestionId,
                KindName(q.Kind),
                [.. q.Options.Select(o => new WebChatOptionDto(o.Value, o.Label))],
                q.Skippable)
            : null;
        return new WebChatMessageDto(entry.Seq, entry.Message.Text, question, entry.SentAt);
    }

    public static string KindName(QuestionKind kind) => kind switch
    {
        QuestionKind.Choice => "choice",
        QuestionKind.Rating => "rating",
        QuestionKind.YesNo => "yesNo",
        QuestionKind.FreeText => "freeText",
        _ => "choice",
    };

    private static void CheckButtonField(Dictionary<string, string[]> errors, string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors[field] = [$"The {field} is required."];
        }
        else if (value.Length > MaxButtonFieldLength)
        {
            errors[field] = [$"The {field} must be at most {MaxButtonFieldLength} characters."];
        }
    }

    [GeneratedRegex("^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$", RegexOptions.CultureInvariant)]
    private static partial Regex LocalePattern();
}
