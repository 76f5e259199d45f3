using System.Text;
using Telegram.Bot.Extensions;
using Telegram.Bot.Types.ReplyMarkups;

namespace ChatFeedback.Adapters.Telegram;

/// <summary>One <c>sendMessage</c>: HTML text and, on the last part of a message, its inline keyboard.</summary>
public sealed record TelegramMessagePart(string Html, InlineKeyboardMarkup? Keyboard);

/// <summary>
/// Renders an <see cref="OutboundMessage"/> as Telegram messages: escaped HTML, split under the 4096-character
/// limit at line boundaries, and the question's buttons as an inline keyboard. Pure.
/// </summary>
public static class TelegramRenderer
{
    /// <summary>Telegram's limit on a message's text, in UTF-16 code units after entity parsing.</summary>
    public const int MaxTextLength = 4096;

    /// <summary>Telegram's limit on <c>callback_data</c>, in UTF-8 bytes.</summary>
    public const int MaxCallbackDataBytes = 64;

    /// <summary>The skip button's label when the question gives none.</summary>
    public const string DefaultSkipLabel = "Skip";

    /// <summary>Renders the message; throws <see cref="ArgumentException"/> when a button's data cannot fit Telegram's limit.</summary>
    public static IReadOnlyList<TelegramMessagePart> Render(OutboundMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var keyboard = message.Question is { } question ? BuildKeyboard(question) : null;

        // Split the plain text, then escape each piece: Telegram counts the limit after parsing the HTML, and a
        // cut can then never fall inside an escape sequence.
        var chunks = Split(message.Text, MaxTextLength);
        var parts = new List<TelegramMessagePart>(chunks.Count);
        for (var i = 0; i < chunks.Count; i++)
        {
            parts.Add(new TelegramMessagePart(HtmlText.Escape(chunks[i]), i == chunks.Count - 1 ? keyboard : null));
        }

        return parts;
    }

    /// <summary>The callback data of a button: <c>{questionId}:{value}</c>.</summary>
    public static string CallbackData(string questionId, string value) => $"{questionId}:{value}";

    /// <summary>Lays out the question's buttons; null when there is nothing to press.</summary>
    public static InlineKeyboardMarkup? BuildKeyboard(OutboundQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);
        if (string.IsNullOrEmpty(question.QuestionId) || question.QuestionId.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Question id '{question.QuestionId}' must be non-empty and contain no ':' to fit the Telegram callback data format.", nameof(question));
        }

        var rows = new List<List<InlineKeyboardButton>>();
        IReadOnlyList<OutboundOption> options = question.Kind == QuestionKind.FreeText ? [] : question.Options;
        var buttons = options.Select(o => Button(question, o.Label, o.Value)).ToList();

        if (buttons.Count > 0)
        {
            switch (question.Kind)
            {
                case QuestionKind.Rating when buttons.Count == 11:
                    // NPS 0-10: two rows of six and five.
                    rows.Add(buttons[..6]);
                    rows.Add(buttons[6..]);
                    break;
                case QuestionKind.Rating when options.All(o => o.Label.Length <= 3):
                case QuestionKind.YesNo:
                    rows.Add(buttons);
                    break;
                default:
                    rows.AddRange(buttons.Select(b => new List<InlineKeyboardButton> { b }));
                    break;
            }
        }

        if (question.Skippable)
        {
            var label = string.IsNullOrWhiteSpace(question.SkipLabel) ? DefaultSkipLabel : question.SkipLabel;
            rows.Add([Button(question, label, OutboundQuestion.SkipValue)]);
        }

        return rows.Count == 0 ? null : new InlineKeyboardMarkup(rows);
    }

    /// <summary>
    /// Splits text into pieces of at most <paramref name="limit"/> UTF-16 code units, at line breaks where it can,
    /// and otherwise at the limit without separating a surrogate pair. Whitespace-only pieces are dropped.
    /// </summary>
    public static IReadOnlyList<string> Split(string text, int limit = MaxTextLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 2);
        if (text.Length <= limit)
        {
            return [text];
        }

        var parts = new List<string>();
        var start = 0;
        while (start < text.Length)
        {
            if (text.Length - start <= limit)
            {
                AddPart(parts, text[start..]);
                break;
            }

            // Look for the last line break that keeps the piece within the limit.
            var newline = text.LastIndexOf('\n', start + limit, limit + 1);
            if (newline > start)
            {
                AddPart(parts, text[start..newline].TrimEnd('\r'));
                start = newline + 1;
                continue;
            }

            if (newline == start)
            {
                start++;
                continue;
            }

            // One line longer than the limit: cut at the limit, but never between a surrogate pair.
            var end = start + limit;
            if (char.IsHighSurrogate(text[end - 1]))
            {
                end--;
            }

            AddPart(parts, text[start..end]);
            start = end;
        }

        return parts.Count == 0 ? [text[..limit]] : parts;
    }

    private static void AddPart(List<string> parts, string part)
    {
        if (!string.IsNullOrWhiteSpace(part))
        {
            parts.Add(part);
        }
    }

    private static InlineKeyboardButton Button(OutboundQuestion question, string label, string value)
    {
        var data = CallbackData(question.QuestionId, value);
        var bytes = Encoding.UTF8.GetByteCount(data);
        if (bytes > MaxCallbackDataBytes)
        {
            throw new ArgumentException(
                $"Question '{question.QuestionId}': the callback data for option '{value}' is {bytes} UTF-8 bytes; Telegram allows {MaxCallbackDataBytes}. Use a shorter question id or option value.",
                nameof(question));
        }

        return InlineKeyboardButton.WithCallbackData(label, data);
    }
}
