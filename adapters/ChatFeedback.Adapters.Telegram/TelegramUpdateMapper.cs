using System.Globalization;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace ChatFeedback.Adapters.Telegram;

/// <summary>
/// Turns a Bot API <see cref="Update"/> into a channel-neutral <see cref="InboundMessage"/>; null means the update
/// is of no interest (edits, stickers, service messages, updates the bot did not ask for) or lacks a field the Bot API
/// always sends (then the defect says which). Pure: no I/O, no clock. The payload is untrusted: Telegram.Bot declares
/// fields such as <c>callback_query.from</c> non-nullable, but JSON that leaves them out still deserialises, so every
/// reference the mapper follows is checked.
/// </summary>
public static class TelegramUpdateMapper
{
    /// <summary>The channel id of Telegram, as in <see cref="ConversationAddress.ChannelId"/>.</summary>
    public const string Channel = "telegram";

    /// <summary>The longest <c>/start</c> deep-link payload Telegram allows.</summary>
    public const int MaxStartTokenLength = 64;

    /// <summary>Maps one update.</summary>
    /// <param name="update">The update as Telegram sent it.</param>
    /// <param name="now">When it arrived; used for updates that carry no date of their own (callback queries).</param>
    /// <param name="botUsername">This bot's username, to recognise <c>/cmd@ThisBot</c>; null accepts any <c>@name</c>.</param>
    public static InboundMessage? Map(Update update, DateTimeOffset now, string? botUsername = null) =>
        Map(update, now, botUsername, out _);

    /// <summary>Maps one update, saying why when it cannot be used.</summary>
    /// <param name="defect">
    /// Set when the result is null because the update lacks what the Bot API always sends (<c>callback_query without
    /// from</c>); null when the update is simply of no interest. Names fields, never their content.
    /// </param>
    public static InboundMessage? Map(Update update, DateTimeOffset now, string? botUsername, out string? defect)
    {
        ArgumentNullException.ThrowIfNull(update);
        defect = null;

        // update_id is the dedupe key. It is only compared for equality: ids restart at random after a quiet week.
        var messageId = update.Id.ToString(CultureInfo.InvariantCulture);
        return update switch
        {
            { Message: { } message } => FromMessage(messageId, message, botUsername, out defect),
            { CallbackQuery: { } query } => FromCallbackQuery(messageId, query, now, out defect),
            { MyChatMember: { } member } => FromMyChatMember(messageId, member, out defect),
            _ => null,
        };
    }

    private static InboundMessage? FromMessage(string messageId, Message message, string? botUsername, out string? defect)
    {
        defect = null;

        // Nullable in spirit whatever the declaration says: a body without "chat" deserialises with Chat null.
        if (message.Chat is null)
        {
            defect = "message without chat";
            return null;
        }

        var address = Address(message.Chat, message.From);
        var receivedAt = Utc(message.Date);
        var locale = message.From?.LanguageCode;

        if (message.MigrateToChatId is { } movedTo)
        {
            return new InboundMessage(messageId, address, InboundKind.ConversationMoved, null, null, locale, receivedAt)
            {
                MovedTo = movedTo.ToString(CultureInfo.InvariantCulture),
            };
        }

        if (message.Text is { } text)
        {
            var normalised = NormaliseCommand(text, botUsername);
            if (TryGetStartToken(normalised, out var token))
            {
                return InboundMessage.Opened(messageId, address, locale, receivedAt) with { StartToken = token };
            }

            return InboundMessage.FromText(messageId, address, normalised, locale, receivedAt);
        }

        // Photos, documents, videos… with a caption: the caption is what the customer said.
        if (!string.IsNullOrWhiteSpace(message.Caption))
        {
            return InboundMessage.FromText(messageId, address, message.Caption, locale, receivedAt);
        }

        return null;
    }

    private static InboundMessage? FromCallbackQuery(string messageId, CallbackQuery query, DateTimeOffset now, out string? defect)
    {
        defect = null;

        // The presser decides whose press it is (and, without the source message, where to answer): no guessing.
        if (query.From is not { } from)
        {
            defect = "callback_query without from";
            return null;
        }

        // The query id is what answerCallbackQuery needs; without it the press cannot be acknowledged.
        if (string.IsNullOrEmpty(query.Id))
        {
            defect = "callback_query without id";
            return null;
        }

        var source = query.Message;
        var presser = from.Id.ToString(CultureInfo.InvariantCulture);

        // Without the source message (inline-mode buttons) the private chat with the presser is the conversation.
        var address = source?.Chat is { } chat
            ? Address(chat, from)
            : new ConversationAddress(Channel, presser, presser);

        var data = query.Data ?? string.Empty;
        var separator = data.IndexOf(':', StringComparison.Ordinal);

        // Untrusted input: anything that is not "{questionId}:{value}" goes to the host as a stale press.
        var button = separator > 0 && separator < data.Length - 1
            ? new ButtonPress(data[..separator], data[(separator + 1)..])
            : new ButtonPress(string.Empty, data);

        var interaction = new Interaction(
            query.Id,
            source?.MessageId.ToString(CultureInfo.InvariantCulture),
            source?.Text,
            FindLabel(source?.ReplyMarkup, query.Data));

        return InboundMessage.FromButton(messageId, address, button, from.LanguageCode, now) with { Interaction = interaction };
    }

    private static InboundMessage? FromMyChatMember(string messageId, ChatMemberUpdated update, out string? defect)
    {
        defect = null;
        if (update.Chat is null)
        {
            defect = "my_chat_member without chat";
            return null;
        }

        // Only a private chat's block / stop means the customer left; groups removing the bot are not a customer act.
        if (update.Chat.Type != ChatType.Private
            || update.NewChatMember?.Status is not (ChatMemberStatus.Kicked or ChatMemberStatus.Left))
        {
            return null;
        }

        return new InboundMessage(
            messageId,
            Address(update.Chat, update.From),
            InboundKind.ChannelLeft,
            null,
            null,
            update.From?.LanguageCode,
            Utc(update.Date));
    }

    /// <summary>
    /// <c>/cmd@ThisBot args</c> becomes <c>/cmd args</c> when the name is this bot's (or no bot name is configured);
    /// any other text is returned as it came.
    /// </summary>
    public static string NormaliseCommand(string text, string? botUsername)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.StartsWith('/'))
        {
            return text;
        }

        var end = text.AsSpan().IndexOfAny(' ', '\n', '\t');
        var command = end < 0 ? text : text[..end];
        var at = command.IndexOf('@', StringComparison.Ordinal);
        if (at < 0)
        {
            return text;
        }

        var mentioned = command[(at + 1)..];
        var expected = botUsername?.TrimStart('@');
        if (!string.IsNullOrEmpty(expected) && !string.Equals(mentioned, expected, StringComparison.OrdinalIgnoreCase))
        {
            return text;
        }

        return end < 0 ? command[..at] : string.Concat(command.AsSpan(0, at), text.AsSpan(end));
    }

    private static bool TryGetStartToken(string text, out string token)
    {
        token = string.Empty;
        const string Start = "/start ";
        if (!text.StartsWith(Start, StringComparison.Ordinal))
        {
            return false;
        }

        var payload = text[Start.Length..].Trim();
        if (payload.Length is 0 or > MaxStartTokenLength)
        {
            return false;
        }

        foreach (var c in payload)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return false;
            }
        }

        token = payload;
        return true;
    }

    private static string? FindLabel(InlineKeyboardMarkup? markup, string? data)
    {
        if (markup?.InlineKeyboard is null || data is null)
        {
            return null;
        }

        // The keyboard comes back from Telegram inside the update: rows and buttons may be null in a garbled body.
        foreach (var row in markup.InlineKeyboard)
        {
            if (row is null)
            {
                continue;
            }

            foreach (var button in row)
            {
                if (button is not null && string.Equals(button.CallbackData, data, StringComparison.Ordinal))
                {
                    return button.Text;
                }
            }
        }

        return null;
    }

    private static ConversationAddress Address(Chat chat, User? from) =>
        new(
            Channel,
            chat.Id.ToString(CultureInfo.InvariantCulture),
            from?.Id.ToString(CultureInfo.InvariantCulture),
            IsGroup: chat.Type is ChatType.Group or ChatType.Supergroup);

    private static DateTimeOffset Utc(DateTime date) =>
        new(date.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(date, DateTimeKind.Utc) : date.ToUniversalTime());
}
