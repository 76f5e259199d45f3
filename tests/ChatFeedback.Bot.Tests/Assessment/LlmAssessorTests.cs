using ChatFeedback.Assessment;
using ChatFeedback.Bot.Assessment;
using ChatFeedback.Bot.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Tests.Assessment;

/// <summary>The model's side of an assessment against a real HTTP chat-completions server (WireMock.Net on loopback).</summary>
public sealed class LlmAssessorTests : IDisposable
{
    private static readonly AssessmentInput Complaint = new(
        "My kettle arrived broken. Call me on +86 138 1234 5678 or write to li.wei@example.com about order #20251234.",
        "en",
        [new AnswerFact("category", "product_quality", null, null, null), new AnswerFact("order_number", "order 88889999", null, null, null)],
        new CustomerContext(IsVip: false, "webchat", 0, HasPurchase: true));

    private readonly ChatCompletionsStub _stub = new();
    private readonly HttpClient _http = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UsesAValidStructuredReplyAndSendsTheSchemaTheMaskedTextAndTemperatureZero()
    {
        _stub.Reply(ChatCompletionsStub.Ok(ChatCompletionsStub.Verdict(severity: "severe", scope: "group", flags: "safety,churn", confidence: 0.9)));

        var attempt = await Assessor().AssessAsync(Complaint, Ct);

        Assert.True(attempt.Succeeded, attempt.FailureReason);
        Assert.Equal(Severity.Severe, attempt.Verdict!.Severity);
        Assert.Equal(Scope.Group, attempt.Verdict.Scope);
        Assert.Equal(Signals.Safety | Signals.Churn, attempt.Verdict.Flags);
        Assert.Equal(0.9, attempt.Verdict.Confidence);

        var request = Assert.Single(_stub.Requests);
        Assert.Equal("stub-model", (string?)request["model"]);
        Assert.Equal(0, (double?)request["temperature"]);
        var format = request["response_format"]!;
        Assert.Equal("json_schema", (string?)format["type"]);
        Assert.True((bool?)format["json_schema"]!["strict"]);
        Assert.Equal("object", (string?)format["json_schema"]!["schema"]!["type"]);
        var sent = request["messages"]!.ToJsonString();
        Assert.DoesNotContain("138 1234 5678", sent, StringComparison.Ordinal);
        Assert.DoesNotContain("li.wei@example.com", sent, StringComparison.Ordinal);
        Assert.DoesNotContain("88889999", sent, StringComparison.Ordinal);
        Assert.Contains("kettle arrived broken", sent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASlowReplyTimesOut()
    {
        _stub.Reply(ChatCompletionsStub.Ok(ChatCompletionsStub.Verdict(), delay: TimeSpan.FromSeconds(5)));

        var attempt = await Assessor(timeout: TimeSpan.FromMilliseconds(400)).AssessAsync(Complaint, Ct);

        Assert.False(attempt.Succeeded);
        Assert.Equal("timeout", attempt.FailureReason);
        Assert.True(attempt.Latency < TimeSpan.FromSeconds(4), $"gave up after {attempt.Latency}");
    }

    [Fact]
    public async Task RetriesA500AndA429ThenUsesTheReply()
    {
        _stub.Reply(ChatCompletionsStub.Status(500), ChatCompletionsStub.Status(429), ChatCompletionsStub.Ok(ChatCompletionsStub.Verdict(severity: "minor")));

        var attempt = await Assessor().AssessAsync(Complaint, Ct);

        Assert.True(attempt.Succeeded, attempt.FailureReason);
        Assert.Equal(Severity.Minor, attempt.Verdict!.Severity);
        Assert.Equal(3, _stub.Calls);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task GivesUpAfterTheRetriesWithTheStatusAsReason(int status)
    {
        _stub.Reply(ChatCompletionsStub.Status(status));

        var attempt = await Assessor(maxRetries: 2).AssessAsync(Complaint, Ct);

        Assert.Equal($"http-{status}", attempt.FailureReason);
        Assert.Equal(3, _stub.Calls);
    }

    [Fact]
    public async Task DoesNotRetryAClientError()
    {
        _stub.Reply(ChatCompletionsStub.Status(400));

        var attempt = await Assessor().AssessAsync(Complaint, Ct);

        Assert.Equal("http-400", attempt.FailureReason);
        Assert.Equal(1, _stub.Calls);
    }

    [Fact]
    public async Task RetriesStayWithinTheTimeBudget()
    {
        _stub.Reply(ChatCompletionsStub.Status(503));

        var attempt = await Assessor(timeout: TimeSpan.FromMilliseconds(600), maxRetries: 10, retryDelay: TimeSpan.FromMilliseconds(250)).AssessAsync(Complaint, Ct);

        Assert.Equal("timeout", attempt.FailureReason);
        Assert.InRange(_stub.Calls, 1, 5);
    }

    [Theory]
    [InlineData("this is not json", "invalid-json")]
    [InlineData("[1,2,3]", "invalid-json")]
    [InlineData("""{"severity":"catastrophic","scope":"individual","category":"delivery","themes":[],"sentiment":-1,"flags":[],"rationale":"x","confidence":1}""", "schema-violation")]
    [InlineData("""{"severity":"minor","scope":"individual","category":"delivery","themes":[],"sentiment":-3,"flags":[],"rationale":"x","confidence":1}""", "schema-violation")]
    [InlineData("""{"severity":"minor"}""", "schema-violation")]
    [InlineData("", "empty-reply")]
    public async Task RefusesAReplyThatIsNotAValidVerdict(string content, string reason)
    {
        _stub.Reply(ChatCompletionsStub.Ok(content));

        var attempt = await Assessor().AssessAsync(Complaint, Ct);

        Assert.False(attempt.Succeeded);
        Assert.StartsWith(reason, attempt.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusalIsNotAVerdict()
    {
        _stub.Reply(new StubReply(200, ChatCompletionsStub.Completion(null, refusal: "I can't help with that.")));

        var attempt = await Assessor().AssessAsync(Complaint, Ct);

        Assert.Equal("refused", attempt.FailureReason);
    }

    [Fact]
    public async Task ExtraFieldsAreSetAsideAndNoted()
    {
        _stub.Reply(ChatCompletionsStub.Ok(ChatCompletionsStub.Verdict(extra: ""","mood":"grumpy","grade":"major" """)));

        var attempt = await Assessor().AssessAsync(Complaint, Ct);

        Assert.True(attempt.Succeeded, attempt.FailureReason);
        Assert.Contains(attempt.Notes, n => n.Contains("mood", StringComparison.Ordinal) && n.Contains("grade", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARationaleInTheWrongLanguageIsDroppedAndNoted()
    {
        _stub.Reply(ChatCompletionsStub.Ok(ChatCompletionsStub.Verdict(rationale: "The kettle is broken.")));

        var attempt = await Assessor().AssessAsync(Complaint with { Locale = "zh-CN", Text = "水壶到的时候是坏的" }, Ct);

        Assert.True(attempt.Succeeded, attempt.FailureReason);
        Assert.Equal("", attempt.Verdict!.Rationale);
        Assert.Contains("rationale not in zh-CN", attempt.Notes);
    }

    [Fact]
    public async Task TheBreakerOpensAfterRepeatedFailuresAndStopsCalling()
    {
        _stub.Reply(ChatCompletionsStub.Status(500));
        var assessor = Assessor(maxRetries: 0, breakerMinimumCalls: 3);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("http-500", (await assessor.AssessAsync(Complaint, Ct)).FailureReason);
        }

        var callsWhenOpened = _stub.Calls;
        var attempt = await assessor.AssessAsync(Complaint, Ct);

        Assert.Equal("circuit-open", attempt.FailureReason);
        Assert.Equal(callsWhenOpened, _stub.Calls);
    }

    public void Dispose()
    {
        _stub.Dispose();
        _http.Dispose();
    }

    private LlmAssessor Assessor(TimeSpan? timeout = null, int maxRetries = 2, TimeSpan? retryDelay = null, int breakerMinimumCalls = 20)
    {
        var options = Options.Create(new LlmOptions
        {
            Endpoint = _stub.Endpoint,
            Model = "stub-model",
            ApiKey = "test-key",
            Enabled = true,
            Timeout = timeout ?? TimeSpan.FromSeconds(3),
            MaxRetries = maxRetries,
            RetryDelay = retryDelay ?? TimeSpan.FromMilliseconds(10),
            BreakerMinimumCalls = breakerMinimumCalls,
            BreakerFailureRatio = 1.0,
            BreakerSamplingDuration = TimeSpan.FromMinutes(1),
            BreakerBreakDuration = TimeSpan.FromMinutes(1),
        });
        return new LlmAssessor(options, LlmPrompt.Load(Path.Combine(RepoPaths.Root, "dialogs", "assessment")), _http, TimeProvider.System, NullLogger<LlmAssessor>.Instance);
    }
}
