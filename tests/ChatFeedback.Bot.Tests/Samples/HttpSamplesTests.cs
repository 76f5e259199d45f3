using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChatFeedback.Adapters.WebChat;
using ChatFeedback.Bot.Conversations;
using ChatFeedback.Bot.Tests.Support;
using ChatFeedback.Bot.Tests.Telegram;
using ChatFeedback.Dialogs;
using Xunit.Sdk;

namespace ChatFeedback.Bot.Tests.Samples;

/// <summary>
/// Every <c>.http</c> sample in the repository, run request by request against the real service as a person with
/// REST Client would run it, so a sample cannot go stale: each request must answer the status its <c># expect</c>
/// names (a 2xx without one), and no button it presses may belong to an earlier question: ids must come from earlier
/// responses, not from the sample's text.
/// </summary>
public sealed partial class HttpSamplesTests
{
    /// <summary>Where <c>dotnet run --project bot/ChatFeedback.Bot</c> listens: it has no launch profile, so ASP.NET Core's default.</summary>
    private const string ServiceUrl = "http://localhost:5000";

    private const string StaleButton = "That button belongs to an earlier question";

    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The file variables the samples ask a person to set, by name, as the test's service is configured.</summary>
    private static readonly Dictionary<string, string> PersonSettings = new(StringComparer.Ordinal)
    {
        ["secret"] = TelegramBotFactory.Secret,
        ["apiKey"] = TelegramBotFactory.ApiKey,
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Samples() => new(SampleFiles());

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task SampleRunsAsWrittenAgainstTheService(string sample)
    {
        var file = Load(sample);
        Assert.True(
            file.Variables.TryGetValue(HttpSampleRunner.BaseVariable, out var declared) && declared == ServiceUrl,
            $"{sample} must declare @{HttpSampleRunner.BaseVariable} = {ServiceUrl}, where `dotnet run --project bot/ChatFeedback.Bot` listens (was {declared ?? "missing"}).");
        Assert.False(
            File.Exists(Path.Combine(RepoPaths.Root, "bot", "ChatFeedback.Bot", "Properties", "launchSettings.json")),
            $"The bot has a launch profile now: `dotnet run` listens where it says, so {nameof(ServiceUrl)} and every sample's @base must follow it.");
        Assert.NotEmpty(file.Requests);

        await using var service = new SampleService();
        var run = await service.RunAsync(file);

        // A stale press is accepted (202, 200) and answered with a notice: only what the customer was told shows it.
        var stale = await service.StaleNoticesAsync(run);
        Assert.True(stale.Count == 0, $"{sample} presses a button of an earlier question; read the question's id from an earlier response. The notices:\n{string.Join("\n", stale)}");
    }

    [Fact]
    public async Task WebChatSamplePressesTheMenuButtonByTheIdItWasShownAndGetsTheSurvey()
    {
        await using var service = new SampleService();
        var run = await service.RunAsync(Load("adapters/ChatFeedback.Adapters.WebChat/webchat.http"));

        var shown = run.Named("greeting").Json()!.AsArray();
        Assert.Equal(QuestionKeys.For("menu", "main"), shown[^1]!["question"]!["id"]!.GetValue<string>());
        var afterPress = run.Named("survey").Json()!.AsArray();
        Assert.NotEmpty(afterPress);
        Assert.DoesNotContain(afterPress, m => m!["text"]!.GetValue<string>().Contains(StaleButton, StringComparison.Ordinal));
        Assert.Equal(QuestionKeys.For("post-purchase-survey", "product_quality"), afterPress[^1]!["question"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task TelegramSamplePressCarriesTheIdOfTheMenuTheBotSentAndIsTakenAsTheAnswer()
    {
        await using var service = new SampleService();
        var run = await service.RunAsync(Load("adapters/ChatFeedback.Adapters.Telegram/telegram.http"));

        var press = run.Named("press");
        var answer = press.Json()!.AsObject();
        Assert.Equal("answerCallbackQuery", answer["method"]!.GetValue<string>());
        Assert.False(answer.ContainsKey("text"), $"The press was answered with a notice: {press.ResponseBody}");

        // The id the sample read from the web chat is the one the bot put in this chat's keyboard.
        var query = JsonNode.Parse(press.RequestBody!)!["callback_query"]!;
        var chatId = query["from"]!["id"]!.GetValue<long>();
        var delivered = service.Api.Delivered(chatId);
        var menu = delivered.First(m => m.Buttons.Any(b => b.Text == "Take the survey"));
        Assert.Equal(menu.Button("Take the survey").CallbackData, query["data"]!.GetValue<string>());
        var productQuality = QuestionKeys.For("post-purchase-survey", "product_quality") + ":";
        Assert.Contains(delivered.SkipWhile(m => m != menu), m => m.Buttons.Any(b => b.CallbackData?.StartsWith(productQuality, StringComparison.Ordinal) == true));
        Assert.DoesNotContain(delivered, m => m.Text.Contains(StaleButton, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SampleWhoseExpectationNoLongerHoldsFailsNamingItsFileLineAndTheResponseBody()
    {
        var sample = HttpSampleFile.Parse(
            """
            @base = http://localhost:5000

            ### A conversation in a language that is not one
            # expect 201
            POST {{base}}/api/webchat/conversations
            Content-Type: application/json

            {"locale":"not a locale"}
            """,
            "stale.http");
        await using var service = new SampleService();

        var failure = await Assert.ThrowsAsync<FailException>(() => service.RunAsync(sample));

        Assert.Contains("stale.http:5", failure.Message, StringComparison.Ordinal);
        Assert.Contains("answered 400; the sample expects 201", failure.Message, StringComparison.Ordinal);
        Assert.Contains("\"locale\"", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RequestVariablesReadTheJsonPathRestClientReads()
    {
        var transcript = JsonNode.Parse("""[{"seq":1,"question":null},{"seq":2,"question":{"id":"rQ1XFfa32u4"}}]""");
        var opened = JsonNode.Parse("""{"conversationId":"c1","token":"t1"}""");

        Assert.Equal("rQ1XFfa32u4", Assert.Single(SampleJsonPath.Select(transcript, "$[-1:].question.id"))!.GetValue<string>());
        Assert.Equal(1, Assert.Single(SampleJsonPath.Select(transcript, "$[0].seq"))!.GetValue<int>());
        Assert.Equal("c1", Assert.Single(SampleJsonPath.Select(opened, "$.conversationId"))!.GetValue<string>());
        Assert.Equal("t1", Assert.Single(SampleJsonPath.Select(opened, "token"))!.GetValue<string>());
        Assert.Empty(SampleJsonPath.Select(opened, "$.missing"));

        // jsonpath-plus, which REST Client uses, has no negative index: a sample with one would send "{{…}}" as text.
        Assert.Throws<FormatException>(() => SampleJsonPath.Select(transcript, "$[-1].question.id"));
    }

    private static HttpSampleFile Load(string sample) => HttpSampleFile.Load(Path.Combine(RepoPaths.Root, sample), sample);

    /// <summary>Every *.http under the repository (outside build output), as a path from its root.</summary>
    private static IEnumerable<string> SampleFiles()
    {
        var pending = new Stack<DirectoryInfo>([new DirectoryInfo(RepoPaths.Root)]);
        var found = new List<string>();
        while (pending.TryPop(out var dir))
        {
            found.AddRange(dir.EnumerateFiles("*.http").Select(f => Path.GetRelativePath(RepoPaths.Root, f.FullName).Replace('\\', '/')));
            foreach (var sub in dir.EnumerateDirectories().Where(d => d.Name is not ("bin" or "obj" or "node_modules") && !d.Name.StartsWith('.')))
            {
                pending.Push(sub);
            }
        }

        return found.Order(StringComparer.Ordinal);
    }

    [GeneratedRegex("/api/webchat/conversations/([0-9a-f]{32})/")]
    private static partial Regex WebChatConversation();

    /// <summary>
    /// The service as the samples' headers say to start it: embedded defaults, the Telegram webhook with its secret and an
    /// API key (<see cref="TelegramBotFactory"/>), the Bot API a stub on loopback.
    /// </summary>
    private sealed class SampleService : IAsyncDisposable
    {
        private readonly TelegramBotFactory _host;
        private readonly HttpClient _client;

        public SampleService()
        {
            _host = new TelegramBotFactory(Api);
            _client = _host.CreateClient();
        }

        public BotApiStub Api { get; } = new();

        public Task<HttpSampleRun> RunAsync(HttpSampleFile sample) =>
            new HttpSampleRunner(_client, _host.Time, PersonSettings, ct => _host.Get<Backlog>().WhenIdleAsync().WaitAsync(SettleTimeout, ct))
                .RunAsync(sample, Ct);

        /// <summary>
        /// Every place the customer was told a press belonged to an earlier question: the responses (Telegram answers a
        /// press in its webhook response), the Bot API calls, and the transcripts of the web chats the sample used.
        /// </summary>
        public async Task<List<string>> StaleNoticesAsync(HttpSampleRun run)
        {
            var notices = _host.Get<FlowCatalog>().Global.Texts["staleButton"].ByLocale.Values.ToList();
            bool Stale(string? text) => text is not null && notices.Any(n => text.Contains(n, StringComparison.Ordinal));
            var found = new List<string>();
            found.AddRange(run.Exchanges.Where(e => Strings(e.ResponseBody).Any(Stale)).Select(e => $"{run.Sample.Where(e.Request.Line)}: {e.ResponseBody}"));
            found.AddRange(Api.Calls().Where(c => Strings(c.Body.GetRawText()).Any(Stale)).Select(c => $"Bot API {c.Method}: {c.Body.GetRawText()}"));
            var transcripts = _host.Get<IWebChatTranscriptStore>();
            foreach (var conversation in run.Exchanges.Select(e => WebChatConversation().Match(e.Url)).Where(m => m.Success).Select(m => m.Groups[1].Value).Distinct())
            {
                var entries = await transcripts.ReadAfterAsync(conversation, 0, Ct) ?? [];
                found.AddRange(entries.Where(e => Stale(e.Message.Text)).Select(e => $"web chat {conversation} #{e.Seq}: {e.Message.Text}"));
            }

            return found;
        }

        /// <summary>The text itself, and when it is JSON every string in it (JSON may escape what the customer reads).</summary>
        private static IEnumerable<string> Strings(string text)
        {
            yield return text;
            JsonNode? json;
            try
            {
                json = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                yield break;
            }

            var pending = new Stack<JsonNode?>([json]);
            while (pending.TryPop(out var node))
            {
                switch (node)
                {
                    case JsonObject obj:
                        obj.Select(p => p.Value).ToList().ForEach(pending.Push);
                        break;
                    case JsonArray array:
                        array.ToList().ForEach(pending.Push);
                        break;
                    case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                        yield return value.GetValue<string>();
                        break;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await _host.DisposeAsync();
            Api.Dispose();
        }
    }
}
