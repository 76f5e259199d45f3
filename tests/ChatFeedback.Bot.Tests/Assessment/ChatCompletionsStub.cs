using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace ChatFeedback.Bot.Tests.Assessment;

/// <summary>What the stub answers one call with: a status and body, after an optional hold.</summary>
internal sealed record StubReply(int Status, string Body, TimeSpan Delay = default, Task? HoldUntil = null);

/// <summary>
/// An OpenAI-compatible chat-completions server on loopback (WireMock.Net): <c>POST /v1/chat/completions</c> answers
/// from a script of replies (the last one repeats), records every request body, and can hold replies until a test
/// releases them (a signal, not a sleep).
/// </summary>
internal sealed class ChatCompletionsStub : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<JsonObject> _requests = [];
    private readonly Queue<StubReply> _script = new();
    private StubReply _last = new(200, Completion(Verdict()));

    public ChatCompletionsStub()
    {
        Server = StartOnLoopback();
        Server.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost())
            .RespondWith(Response.Create().WithCallback(AnswerAsync));
    }

    public WireMockServer Server { get; }

    /// <summary>The base address to configure as <c>Llm:Endpoint</c>.</summary>
    public string Endpoint => Server.Urls[0] + "/v1";

    public int Calls
    {
        get
        {
            lock (_gate)
            {
                return _requests.Count;
            }
        }
    }

    public IReadOnlyList<JsonObject> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Replies to the next calls, in order; the last keeps answering after.</summary>
    public ChatCompletionsStub Reply(params StubReply[] replies)
    {
        lock (_gate)
        {
            foreach (var reply in replies)
            {
                _script.Enqueue(reply);
            }
        }

        return this;
    }

    /// <summary>A 200 whose assistant message is <paramref name="content"/> (the model's JSON, or anything).</summary>
    public static StubReply Ok(string content, TimeSpan delay = default, Task? holdUntil = null) => new(200, Completion(content), delay, holdUntil);

    public static StubReply Status(int status) => new(status, """{"error":{"message":"stub error","type":"server_error"}}""");

    /// <summary>A verdict as the model would write it.</summary>
    public static string Verdict(
        string severity = "moderate",
        string scope = "individual",
        string category = "product_quality",
        string rationale = "The product arrived broken.",
        string flags = "",
        double confidence = 0.8,
        string? extra = null) =>
        $$"""{"severity":"{{severity}}","scope":"{{scope}}","category":"{{category}}","themes":["product_quality"],"sentiment":-0.6,"flags":[{{string.Join(',', flags.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(f => $"\"{f}\""))}}],"rationale":{{JsonSerializer.Serialize(rationale)}},"confidence":{{confidence.ToString(System.Globalization.CultureInfo.InvariantCulture)}}{{extra}}}""";

    /// <summary>A chat completion carrying <paramref name="content"/> as the assistant's message (refusal when set).</summary>
    public static string Completion(string? content, string? refusal = null) => new JsonObject
    {
        ["id"] = "chatcmpl-stub",
        ["object"] = "chat.completion",
        ["created"] = 1_733_000_000,
        ["model"] = "stub-model",
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content, ["refusal"] = refusal },
            ["finish_reason"] = "stop",
        }),
        ["usage"] = new JsonObject { ["prompt_tokens"] = 10, ["completion_tokens"] = 10, ["total_tokens"] = 20 },
    }.ToJsonString();

    public void Dispose() => Server.Stop();

    private async Task<IResponseMessage> AnswerAsync(IRequestMessage request)
    {
        StubReply reply;
        lock (_gate)
        {
            _requests.Add(JsonNode.Parse(request.Body ?? "{}")!.AsObject());
            reply = _script.Count > 0 ? (_last = _script.Dequeue()) : _last;
        }

        if (reply.HoldUntil is { } hold)
        {
            await hold;
        }

        if (reply.Delay > TimeSpan.Zero)
        {
            await Task.Delay(reply.Delay);
        }

        var response = new ResponseMessage
        {
            StatusCode = reply.Status,
            BodyData = new BodyData { BodyAsString = reply.Body, DetectedBodyType = BodyType.String, Encoding = System.Text.Encoding.UTF8 },
        };
        response.AddHeader("Content-Type", "application/json");
        return response;
    }

    private static WireMockServer StartOnLoopback()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                return WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{port}"] });
            }
            catch (Exception) when (attempt < 3)
            {
            }
        }
    }
}
