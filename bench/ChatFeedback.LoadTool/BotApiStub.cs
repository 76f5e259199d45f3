using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ChatFeedback.LoadTool;

/// <summary>
/// A minimal local Telegram Bot API server: answers sendMessage, editMessageText, answerCallbackQuery, setWebhook,
/// setMyCommands, deleteWebhook (and anything else) with <c>{"ok":true,...}</c> at once, and hands each call about a
/// chat to the customer playing that chat. Callback query ids are <c>{chatId}_{n}</c> so answers can be routed too.
/// </summary>
public sealed class BotApiStub() : LoopbackStub(TrueResult)
{
    private static readonly byte[] TrueResult = "{\"ok\":true,\"result\":true}"u8.ToArray();

    protected override (string Call, byte[] Response) Handle(HttpRequest request, ReadOnlySequence<byte> body, long receivedAt)
    {
        var path = request.Path.Value ?? string.Empty;
        var method = path[(path.LastIndexOf('/') + 1)..];
        switch (method)
        {
            case "sendMessage":
            case "editMessageText":
            {
                using var json = JsonDocument.Parse(body);
                var root = json.RootElement;
                var chatId = ChatId(root.GetProperty("chat_id"));
                var editing = method == "editMessageText";
                var messageId = editing && root.TryGetProperty("message_id", out var mid) ? mid.GetInt64() : NextMessageId();
                var text = root.TryGetProperty("text", out var t) ? t.GetString() : null;
                string? keyboardJson = null;
                IReadOnlyList<BotButton> buttons = [];
                if (root.TryGetProperty("reply_markup", out var markup) && markup.ValueKind == JsonValueKind.Object
                    && markup.TryGetProperty("inline_keyboard", out var rows))
                {
                    keyboardJson = markup.GetRawText();
                    buttons = Buttons(rows);
                }

                Deliver(chatId.ToString(CultureInfo.InvariantCulture), new BotCall(editing ? BotCallKind.Edit : BotCallKind.Send, messageId, text, keyboardJson, buttons, receivedAt));
                return (method, MessageResult(messageId, chatId));
            }

            case "answerCallbackQuery":
            {
                using var json = JsonDocument.Parse(body);
                var root = json.RootElement;
                var text = root.TryGetProperty("text", out var t) ? t.GetString() : null;
                Deliver(ChatOfCallback(root.GetProperty("callback_query_id").GetString()), new BotCall(BotCallKind.Answer, 0, text, null, [], receivedAt));
                return (method, TrueResult);
            }

            default:
                // setWebhook, setMyCommands, deleteWebhook, editMessageReplyMarkup…: accepted, nothing to route.
                return (method, TrueResult);
        }
    }

    /// <summary>The chat a callback query id (<c>{chatId}_{n}</c>) belongs to.</summary>
    public static string ChatOfCallback(string? callbackQueryId)
    {
        var id = callbackQueryId ?? string.Empty;
        var underscore = id.IndexOf('_', StringComparison.Ordinal);
        return underscore > 0 ? id[..underscore] : string.Empty;
    }

    /// <summary>Callback buttons; their data is <c>{questionKey}:{value}</c>.</summary>
    private static List<BotButton> Buttons(JsonElement rows)
    {
        var list = new List<BotButton>();
        foreach (var row in rows.EnumerateArray())
        {
            foreach (var button in row.EnumerateArray())
            {
                if (button.TryGetProperty("callback_data", out var property) && property.GetString() is { } data)
                {
                    var colon = Math.Max(0, data.IndexOf(':', StringComparison.Ordinal));
                    list.Add(new BotButton(button.GetProperty("text").GetString() ?? string.Empty, data[..colon], data[(colon + 1)..], data));
                }
            }
        }

        return list;
    }

    private static long ChatId(JsonElement element) => element.ValueKind == JsonValueKind.Number
        ? element.GetInt64()
        : long.Parse(element.GetString() ?? "0", NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    private static byte[] MessageResult(long messageId, long chatId)
    {
        var date = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"ok\":true,\"result\":{{\"message_id\":{messageId},\"date\":{date},\"chat\":{{\"id\":{chatId},\"type\":\"private\"}}}}}}"));
    }
}
