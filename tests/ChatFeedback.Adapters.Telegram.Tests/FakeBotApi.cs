using System.Text.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ChatFeedback.Adapters.Telegram.Tests;

/// <summary>The Bot API on loopback (WireMock): answers as Telegram does and records every call.</summary>
public sealed class FakeBotApi : IDisposable
{
    public const string Token = "123456:TEST";

    public WireMockServer Server { get; } = WireMockServer.Start();

    public string Url => Server.Url!;

    public static string PathOf(string method) => $"/bot{Token}/{method}";

    /// <summary>Answers <paramref name="method"/> with <c>{"ok":true,"result":…}</c>.</summary>
    public FakeBotApi Ok(string method, string resultJson = "true")
    {
        Server.Given(Request.Create().WithPath(PathOf(method)).UsingPost())
            .RespondWith(Json(200, $$"""{"ok":true,"result":{{resultJson}}}"""));
        return this;
    }

    /// <summary>Answers <paramref name="method"/> with a Bot API error.</summary>
    public FakeBotApi Error(string method, int errorCode, string description, string? parametersJson = null)
    {
        var parameters = parametersJson is null ? string.Empty : $$""","parameters":{{parametersJson}}""";
        Server.Given(Request.Create().WithPath(PathOf(method)).UsingPost())
            .RespondWith(Json(errorCode, $$"""{"ok":false,"error_code":{{errorCode}},"description":{{JsonSerializer.Serialize(description)}}{{parameters}}}"""));
        return this;
    }

    /// <summary>
    /// Answers <paramref name="method"/> with each of <paramref name="resultsJson"/> once, in turn; later calls fall
    /// through to the other mappings (e.g. <see cref="LongPoll"/>).
    /// </summary>
    public FakeBotApi Sequence(string method, params string[] resultsJson)
    {
        const string Scenario = "sequence";
        for (var i = 0; i < resultsJson.Length; i++)
        {
            var request = Server.Given(Request.Create().WithPath(PathOf(method)).UsingPost()).InScenario(Scenario + method);
            var state = i == 0 ? request : request.WhenStateIs($"step{i}");
            state.WillSetStateTo($"step{i + 1}").RespondWith(Json(200, $$"""{"ok":true,"result":{{resultsJson[i]}}}"""));
        }

        return this;
    }

    /// <summary>Answers <c>getUpdates</c> with no updates after a second, as a long poll with nothing to say does.</summary>
    public FakeBotApi LongPoll()
    {
        Server.Given(Request.Create().WithPath(PathOf("getUpdates")).UsingPost())
            .AtPriority(100)
            .RespondWith(Json(200, """{"ok":true,"result":[]}""").WithDelay(TimeSpan.FromSeconds(1)));
        return this;
    }

    /// <summary>The JSON bodies sent to <paramref name="method"/>, oldest first.</summary>
    public IReadOnlyList<JsonElement> Calls(string method) =>
        [.. Server.LogEntries
            .Where(e => e.RequestMessage?.Path == PathOf(method))
            .OrderBy(e => e.RequestMessage!.DateTime)
            .Select(e => string.IsNullOrEmpty(e.RequestMessage!.Body)
                ? JsonDocument.Parse("{}").RootElement.Clone()
                : JsonDocument.Parse(e.RequestMessage.Body).RootElement.Clone())];

    public void Dispose() => Server.Stop();

    private static IResponseBuilder Json(int status, string body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);
}
