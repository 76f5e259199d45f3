using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace ChatFeedback.Bot.Tests.Telegram;

/// <summary>One Bot API call the service made, with the HTTP status the stub answered.</summary>
internal sealed record BotApiCall(string Method, JsonElement Body, int Status, int? ResultMessageId);

/// <summary>A Bot API error the stub answers with: <c>{"ok":false,"error_code":…,"description":…,"parameters":…}</c>.</summary>
internal sealed record BotApiError(int ErrorCode, string Description, string? ParametersJson = null)
{
    public static readonly BotApiError Blocked = new(403, "Forbidden: bot was blocked by the user");

    /// <summary>What Telegram answers a send to a group that became a supergroup.</summary>
    public static BotApiError Migrated(long toChatId) =>
        new(400, "Bad Request: group chat was upgraded to a supergroup chat", $$"""{"migrate_to_chat_id":{{toChatId}}}""");

    public static BotApiError TooManyRequests(int retryAfterSeconds) =>
        new(429, $"Too Many Requests: retry after {retryAfterSeconds}", $$"""{"retry_after":{{retryAfterSeconds}}}""");
}

/// <summary>
/// The Telegram Bot API on loopback (WireMock.Net): answers every method as Telegram does (<c>sendMessage</c> with a
/// Message carrying a fresh message_id), records every call, and lets tests wait for calls (a signal, not a sleep),
/// script errors, and feed <c>getUpdates</c>. An empty <c>getUpdates</c> is held like a real long poll until the stub
/// is disposed, so a polling bot does not spin.
/// </summary>
internal sealed class BotApiStub : IDisposable
{
    public const string Token = "123456:TEST";
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly List<BotApiCall> _calls = [];
    private readonly List<(Func<IReadOnlyList<BotApiCall>, bool> Condition, TaskCompletionSource Signal)> _waiters = [];
    private readonly List<Rule> _rules = [];
    private readonly Queue<string> _updateBatches = new();
    private readonly TaskCompletionSource _stopping = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextMessageId = 1000;

    public BotApiStub()
    {
        Server = StartOnLoopback();
        Server.Given(Request.Create().WithPath(new RegexMatcher($"^/bot{Token}/[A-Za-z]+$")).UsingPost())
            .RespondWith(Response.Create().WithCallback(AnswerAsync));
    }

    public WireMockServer Server { get; }

    public string Url => Server.Url!;

    /// <summary>Every call so far, oldest first.</summary>
    public IReadOnlyList<BotApiCall> Calls()
    {
        lock (_gate)
        {
            return [.. _calls];
        }
    }

    public IReadOnlyList<BotApiCall> Calls(string method) => [.. Calls().Where(c => c.Method == method)];

    /// <summary>The <c>sendMessage</c> calls into <paramref name="chatId"/> that Telegram accepted, oldest first.</summary>
    public IReadOnlyList<BotMessage> Delivered(long chatId) =>
        [.. Calls("sendMessage").Where(c => c.Status == 200 && ChatOf(c.Body) == chatId).Select(BotMessage.From)];

    /// <summary>Every <c>sendMessage</c> attempt into <paramref name="chatId"/>, accepted or not.</summary>
    public IReadOnlyList<BotApiCall> SendAttempts(long chatId) =>
        [.. Calls("sendMessage").Where(c => ChatOf(c.Body) == chatId)];

    public static long? ChatOf(JsonElement body) =>
        body.TryGetProperty("chat_id", out var chat)
            ? chat.ValueKind == JsonValueKind.Number ? chat.GetInt64() : long.Parse(chat.GetString()!, CultureInfo.InvariantCulture)
            : null;

    /// <summary>Completes once the calls so far satisfy <paramref name="condition"/>; fails the test after 30 s, listing the calls.</summary>
    public async Task WaitForAsync(Func<IReadOnlyList<BotApiCall>, bool> condition, string what)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition(_calls))
            {
                return;
            }

            _waiters.Add((condition, signal));
        }

        try
        {
            await signal.Task.WaitAsync(WaitLimit, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Timed out after {WaitLimit.TotalSeconds} s waiting for {what}. Bot API calls so far:\n{Describe()}");
        }
    }

    /// <summary>Answers the next call to <paramref name="method"/> matching <paramref name="when"/> with an error, once.</summary>
    public void FailNext(string method, BotApiError error, Func<JsonElement, bool>? when = null) => AddRule(method, error, when, times: 1);

    /// <summary>Answers every call to <paramref name="method"/> matching <paramref name="when"/> with an error.</summary>
    public void FailAlways(string method, BotApiError error, Func<JsonElement, bool>? when = null) => AddRule(method, error, when, times: int.MaxValue);

    /// <summary>Queues updates for <c>getUpdates</c>: each call returns the next batch.</summary>
    public void QueueUpdates(params JsonObject[] updates)
    {
        lock (_gate)
        {
            _updateBatches.Enqueue(new JsonArray([.. updates]).ToJsonString());
        }
    }

    /// <summary>The calls so far, one line each, for failure messages.</summary>
    public string Describe() =>
        string.Join('\n', Calls().Select(c => $"  {c.Method} -> {c.Status}: {c.Body.GetRawText()}"));

    public void Dispose()
    {
        _stopping.TrySetResult();
        Server.Stop();
        Server.Dispose();
    }

    private void AddRule(string method, BotApiError error, Func<JsonElement, bool>? when, int times)
    {
        lock (_gate)
        {
            _rules.Add(new Rule(method, when ?? (_ => true), error) { Remaining = times });
        }
    }

    private async Task<IResponseMessage> AnswerAsync(IRequestMessage request)
    {
        var method = request.Path[(request.Path.LastIndexOf('/') + 1)..];
        var body = string.IsNullOrEmpty(request.Body)
            ? JsonDocument.Parse("{}").RootElement.Clone()
            : JsonDocument.Parse(request.Body).RootElement.Clone();

        int status;
        string json;
        var hold = false;
        lock (_gate)
        {
            int? messageId;
            (status, json, messageId) = Answer(method, body, out hold);
            Record(new BotApiCall(method, body, status, messageId));
        }

        if (hold)
        {
            // Nothing to deliver: hold the poll as Telegram does, until the test is over.
            await _stopping.Task;
        }

        return Json(status, json);
    }

    /// <summary>
    /// A method call the service made as its webhook reply (<c>{"method":…}</c>): Telegram carries it out like an API
    /// call, without telling anyone the result, so it is recorded as a successful call.
    /// </summary>
    public void RecordWebhookReply(JsonElement body)
    {
        lock (_gate)
        {
            Record(new BotApiCall(body.GetProperty("method").GetString()!, body.Clone(), 200, null));
        }
    }

    /// <summary>Called under the lock: adds the call and wakes the waiters it satisfies.</summary>
    private void Record(BotApiCall call)
    {
        _calls.Add(call);
        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            if (_waiters[i].Condition(_calls))
            {
                _waiters[i].Signal.TrySetResult();
                _waiters.RemoveAt(i);
            }
        }
    }

    /// <summary>Called under the lock: the scripted error if one applies, else Telegram's success answer.</summary>
    private (int Status, string Json, int? MessageId) Answer(string method, JsonElement body, out bool hold)
    {
        hold = false;
        var rule = _rules.FirstOrDefault(r => r.Method == method && r.Remaining > 0 && r.When(body));
        if (rule is not null)
        {
            rule.Remaining--;
            var error = new JsonObject
            {
                ["ok"] = false,
                ["error_code"] = rule.Error.ErrorCode,
                ["description"] = rule.Error.Description,
            };
            if (rule.Error.ParametersJson is { } parameters)
            {
                error["parameters"] = JsonNode.Parse(parameters);
            }

            return (rule.Error.ErrorCode, error.ToJsonString(), null);
        }

        switch (method)
        {
            case "sendMessage":
                var id = ++_nextMessageId;
                return (200, Ok(MessageResult(id, body)), id);
            case "editMessageText":
            case "editMessageReplyMarkup":
                var edited = body.TryGetProperty("message_id", out var m) ? m.GetInt32() : 0;
                return (200, Ok(MessageResult(edited, body)), null);
            case "getUpdates":
                hold = !_updateBatches.TryDequeue(out var updates);
                return (200, Ok(updates ?? "[]"), null);
            default:
                return (200, Ok("true"), null);
        }
    }

    private static string Ok(string resultJson) => $$"""{"ok":true,"result":{{resultJson}}}""";

    private static string MessageResult(int messageId, JsonElement body)
    {
        var chatId = ChatOf(body) ?? 0;
        var message = new JsonObject
        {
            ["message_id"] = messageId,
            ["date"] = 1_741_942_800,
            ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = chatId < 0 ? "group" : "private" },
            ["from"] = new JsonObject { ["id"] = 123456, ["is_bot"] = true, ["first_name"] = "ChatFeedback", ["username"] = "ChatFeedbackBot" },
        };
        if (body.TryGetProperty("text", out var text))
        {
            message["text"] = WebUtility.HtmlDecode(text.GetString());
        }

        if (body.TryGetProperty("reply_markup", out var markup))
        {
            message["reply_markup"] = JsonNode.Parse(markup.GetRawText());
        }

        return message.ToJsonString();
    }

    private static ResponseMessage Json(int status, string json)
    {
        var response = new ResponseMessage
        {
            StatusCode = status,
            BodyData = new BodyData { BodyAsString = json, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
        };
        response.AddHeader("Content-Type", "application/json");
        return response;
    }

    private static WireMockServer StartOnLoopback()
    {
        // Loopback only; a free port can be taken between choosing and binding it, so try a few.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{FreeLoopbackPort()}"] });
            }
            catch (Exception) when (attempt < 3)
            {
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record Rule(string Method, Func<JsonElement, bool> When, BotApiError Error)
    {
        public int Remaining { get; set; }
    }
}

/// <summary>A <c>sendMessage</c> as the service sent it: where, what, how, and its inline keyboard.</summary>
internal sealed record BotMessage(int MessageId, long ChatId, string Text, string? ParseMode, IReadOnlyList<IReadOnlyList<BotButton>>? Keyboard, JsonElement Body)
{
    public static BotMessage From(BotApiCall call)
    {
        var body = call.Body;
        IReadOnlyList<IReadOnlyList<BotButton>>? keyboard = null;
        if (body.TryGetProperty("reply_markup", out var markup) && markup.TryGetProperty("inline_keyboard", out var rows))
        {
            keyboard = [.. rows.EnumerateArray().Select(row => (IReadOnlyList<BotButton>)[.. row.EnumerateArray().Select(b =>
                new BotButton(b.GetProperty("text").GetString()!, b.TryGetProperty("callback_data", out var data) ? data.GetString() : null))])];
        }

        return new BotMessage(
            call.ResultMessageId ?? 0,
            BotApiStub.ChatOf(body) ?? 0,
            body.GetProperty("text").GetString()!,
            body.TryGetProperty("parse_mode", out var mode) ? mode.GetString() : null,
            keyboard,
            body);
    }

    public IEnumerable<BotButton> Buttons => Keyboard?.SelectMany(row => row) ?? [];

    public BotButton Button(string label) =>
        Buttons.FirstOrDefault(b => b.Text == label)
        ?? throw new InvalidOperationException($"No button '{label}' under \"{Text}\"; buttons: {string.Join(", ", Buttons.Select(b => b.Text))}.");
}

internal sealed record BotButton(string Text, string? CallbackData);
