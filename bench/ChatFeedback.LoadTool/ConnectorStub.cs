using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ChatFeedback.LoadTool;

/// <summary>
/// A minimal local Bot Connector (the <c>serviceUrl</c> of the simulated Teams conversations), anonymous as in local
/// development: <c>POST v3/conversations/{id}/activities[/{replyToId}]</c> (send, reply) and <c>PUT …/activities/{id}</c>
/// (update) are answered with a fresh <c>{"id":…}</c> at once, and each activity is handed to the customer of its
/// conversation: text, or the Adaptive Card's text and <c>Action.Execute</c> buttons with their <c>{q, v, l, t}</c> data.
/// </summary>
public sealed class ConnectorStub() : LoopbackStub(EmptyResult)
{
    private static readonly byte[] EmptyResult = "{}"u8.ToArray();

    protected override (string Call, byte[] Response) Handle(HttpRequest request, ReadOnlySequence<byte> body, long receivedAt)
    {
        // v3/conversations/{id}/activities, …/activities/{replyToId} (reply) or PUT …/activities/{activityId} (update).
        var path = request.Path.Value ?? string.Empty;
        var updating = HttpMethods.IsPut(request.Method);
        var call = updating ? "updateActivity" : path.EndsWith("/activities", StringComparison.Ordinal) ? "sendToConversation" : "replyToActivity";
        if (!path.Contains("/v3/conversations/", StringComparison.Ordinal))
        {
            return ("other", EmptyResult);
        }

        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        var conversationId = root.GetProperty("conversation").GetProperty("id").GetString() ?? string.Empty;
        var id = updating ? long.Parse(path[(path.LastIndexOf('/') + 1)..], NumberStyles.None, CultureInfo.InvariantCulture) : NextMessageId();
        var (text, buttons) = Content(root);
        Deliver(conversationId, new BotCall(updating ? BotCallKind.Edit : BotCallKind.Send, id, text, null, buttons, receivedAt));
        return (call, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{{\"id\":\"{id}\"}}")));
    }

    /// <summary>A text message's text, or an Adaptive Card's first TextBlock and its buttons.</summary>
    private static (string? Text, IReadOnlyList<BotButton> Buttons) Content(JsonElement activity)
    {
        if (!activity.TryGetProperty("attachments", out var attachments) || attachments.GetArrayLength() == 0)
        {
            return (activity.TryGetProperty("text", out var text) ? text.GetString() : null, []);
        }

        string? cardText = null;
        var buttons = new List<BotButton>();
        foreach (var element in attachments[0].GetProperty("content").GetProperty("body").EnumerateArray())
        {
            if (element.TryGetProperty("actions", out var actions))
            {
                foreach (var action in actions.EnumerateArray())
                {
                    var data = action.GetProperty("data");
                    buttons.Add(new BotButton(
                        action.GetProperty("title").GetString() ?? string.Empty,
                        data.GetProperty("q").GetString() ?? string.Empty,
                        data.GetProperty("v").GetString() ?? string.Empty,
                        data.GetRawText()));
                }
            }
            else if (cardText is null && element.TryGetProperty("text", out var text))
            {
                cardText = text.GetString();
            }
        }

        return (cardText, buttons);
    }
}
