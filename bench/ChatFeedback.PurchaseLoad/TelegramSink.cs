using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatFeedback.PurchaseLoad;

/// <summary>
/// The Telegram Bot API on loopback, as far as the service needs it: answers every method, and records when each
/// chat received its sendMessage calls (wall-clock UTC, the clock the service schedules on).
/// </summary>
public sealed class TelegramSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<long, List<DateTimeOffset>> _sends = new();
    private long _nextMessageId;

    private TelegramSink(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public IReadOnlyDictionary<long, List<DateTimeOffset>> Sends => _sends;

    public static async Task<TelegramSink> StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var sink = new TelegramSink(app) { Url = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}" };
        app.MapPost("/{bot}/{method}", sink.AnswerAsync);
        await app.StartAsync();
        return sink;
    }

    private async Task AnswerAsync(HttpContext context, string method)
    {
        context.Response.ContentType = "application/json";
        if (!string.Equals(method, "sendMessage", StringComparison.Ordinal))
        {
            await context.Response.WriteAsync("""{"ok":true,"result":true}""");
            return;
        }

        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        var chat = body.RootElement.GetProperty("chat_id");
        var chatId = chat.ValueKind == JsonValueKind.Number ? chat.GetInt64() : long.Parse(chat.GetString()!, CultureInfo.InvariantCulture);
        var list = _sends.GetOrAdd(chatId, _ => []);
        lock (list)
        {
            list.Add(DateTimeOffset.UtcNow);
        }

        var id = Interlocked.Increment(ref _nextMessageId);
        await context.Response.WriteAsync(
            $$$"""{"ok":true,"result":{"message_id":{{{id}}},"date":{{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}}},"chat":{"id":{{{chatId}}},"type":"private"},"text":"ok"}}""");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
