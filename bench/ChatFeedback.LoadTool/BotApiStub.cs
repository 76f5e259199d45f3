using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatFeedback.LoadTool;

/// <summary>What the service asked of the Bot API, as the customer of that chat sees it.</summary>
public enum BotCallKind
{
    Send,
    Edit,
    Answer,
}

/// <summary>One inline button: its label and its callback data (<c>{questionKey}:{value}</c>).</summary>
public sealed record BotButton(string Text, string CallbackData)
{
    public string QuestionKey => CallbackData[..Math.Max(0, CallbackData.IndexOf(':', StringComparison.Ordinal))];

    public string Value => CallbackData[(CallbackData.IndexOf(':', StringComparison.Ordinal) + 1)..];
}

/// <summary>A Bot API call the service made for one chat; <see cref="ReceivedAt"/> is a <see cref="Stopwatch"/> timestamp.</summary>
public sealed record BotCall(BotCallKind Kind, long MessageId, string? Text, string? KeyboardJson, IReadOnlyList<BotButton> Buttons, long ReceivedAt);

/// <summary>
/// A minimal local Bot API server on loopback: answers sendMessage, editMessageText, answerCallbackQuery, setWebhook,
/// setMyCommands, deleteWebhook (and anything else) with <c>{"ok":true,...}</c> at once, and hands each call about a
/// chat to the customer playing that chat. Callback query ids are <c>{chatId}_{n}</c> so answers can be routed too.
/// </summary>
public sealed class BotApiStub : IAsyncDisposable
{
    private static readonly byte[] TrueResult = "{\"ok\":true,\"result\":true}"u8.ToArray();

    private readonly ConcurrentDictionary<long, ChannelWriter<BotCall>> _routes = new();
    private readonly ConcurrentDictionary<string, long> _calls = new(StringComparer.Ordinal);
    private long _nextMessageId = 1000;
    private long _unrouted;
    private long _malformed;
    private WebApplication? _app;

    public int Port { get; private set; }

    /// <summary>Calls about a chat no customer plays (any more): late replies after a timeout, or stray ones.</summary>
    public long Unrouted => Interlocked.Read(ref _unrouted);

    public long Malformed => Interlocked.Read(ref _malformed);

    /// <summary>Bot API calls by method name, so far.</summary>
    public IReadOnlyDictionary<string, long> Calls => new Dictionary<string, long>(_calls, StringComparer.Ordinal);

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.AddServerHeader = false;
        });
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Port = new Uri(address).Port;
    }

    public void Route(long chatId, ChannelWriter<BotCall> inbox) => _routes[chatId] = inbox;

    public void Unroute(long chatId) => _routes.TryRemove(chatId, out _);

    private async Task HandleAsync(HttpContext context)
    {
        var receivedAt = Stopwatch.GetTimestamp();
        var path = context.Request.Path.Value ?? string.Empty;
        var method = path[(path.LastIndexOf('/') + 1)..];
        _calls.AddOrUpdate(method, 1, static (_, n) => n + 1);

        var reader = context.Request.BodyReader;
        ReadResult read;
        while (true)
        {
            read = await reader.ReadAsync(context.RequestAborted);
            if (read.IsCompleted)
            {
                break;
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }

        byte[] response;
        try
        {
            response = Handle(method, read.Buffer, receivedAt);
        }
        catch (JsonException)
        {
            Interlocked.Increment(ref _malformed);
            response = TrueResult;
        }
        finally
        {
            reader.AdvanceTo(read.Buffer.End);
        }

        context.Response.ContentType = "application/json";
        context.Response.ContentLength = response.Length;
        await context.Response.Body.WriteAsync(response, context.RequestAborted);
    }

    private byte[] Handle(string method, ReadOnlySequence<byte> body, long receivedAt)
    {
        switch (method)
        {
            case "sendMessage":
            case "editMessageText":
            {
                using var json = JsonDocument.Parse(body);
                var root = json.RootElement;
                var chatId = ChatId(root.GetProperty("chat_id"));
                var editing = method == "editMessageText";
                var messageId = editing && root.TryGetProperty("message_id", out var mid) ? mid.GetInt64() : Interlocked.Increment(ref _nextMessageId);
                var text = root.TryGetProperty("text", out var t) ? t.GetString() : null;
                string? keyboardJson = null;
                IReadOnlyList<BotButton> buttons = [];
                if (root.TryGetProperty("reply_markup", out var markup) && markup.ValueKind == JsonValueKind.Object
                    && markup.TryGetProperty("inline_keyboard", out var rows))
                {
                    keyboardJson = markup.GetRawText();
                    var list = new List<BotButton>();
                    foreach (var row in rows.EnumerateArray())
                    {
                        foreach (var button in row.EnumerateArray())
                        {
                            if (button.TryGetProperty("callback_data", out var data))
                            {
                                list.Add(new BotButton(button.GetProperty("text").GetString() ?? string.Empty, data.GetString() ?? string.Empty));
                            }
                        }
                    }

                    buttons = list;
                }

                Deliver(chatId, new BotCall(editing ? BotCallKind.Edit : BotCallKind.Send, messageId, text, keyboardJson, buttons, receivedAt));
                return MessageResult(messageId, chatId);
            }

            case "answerCallbackQuery":
            {
                using var json = JsonDocument.Parse(body);
                var root = json.RootElement;
                var id = root.GetProperty("callback_query_id").GetString() ?? string.Empty;
                var underscore = id.IndexOf('_', StringComparison.Ordinal);
                var text = root.TryGetProperty("text", out var t) ? t.GetString() : null;
                if (underscore > 0 && long.TryParse(id.AsSpan(0, underscore), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var chatId))
                {
                    Deliver(chatId, new BotCall(BotCallKind.Answer, 0, text, null, [], receivedAt));
                }
                else
                {
                    Interlocked.Increment(ref _unrouted);
                }

                return TrueResult;
            }

            default:
                // setWebhook, setMyCommands, deleteWebhook, editMessageReplyMarkup…: accepted, nothing to route.
                return TrueResult;
        }
    }

    private void Deliver(long chatId, BotCall call)
    {
        if (!_routes.TryGetValue(chatId, out var inbox) || !inbox.TryWrite(call))
        {
            Interlocked.Increment(ref _unrouted);
        }
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

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(timeout.Token);
            await _app.DisposeAsync();
        }
    }
}
