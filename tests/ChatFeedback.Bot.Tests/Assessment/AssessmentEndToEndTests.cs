using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ChatFeedback.Adapters.WebChat;
using ChatFeedback.Bot.Assessment;
using ChatFeedback.Bot.Records;
using ChatFeedback.Bot.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFeedback.Bot.Tests.Assessment;

/// <summary>Collects the decisions the service records and lets a test wait for one (a signal, not a sleep).</summary>
internal sealed class DecisionSignal : IAssessmentListener
{
    private readonly ConcurrentQueue<CaseDecided> _decided = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyCollection<CaseDecided> Decided => _decided;

    public ValueTask DecidedAsync(CaseDecided decided, CancellationToken cancellationToken)
    {
        _decided.Enqueue(decided);
        lock (_gate)
        {
            _next.TrySetResult();
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        return ValueTask.CompletedTask;
    }

    public async Task<CaseDecided> WaitAsync(Func<CaseDecided, bool> match, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (_decided.FirstOrDefault(match) is { } found)
                {
                    return found;
                }

                next = _next.Task;
            }

            await next.WaitAsync(timeout.Token);
        }
    }
}

/// <summary>
/// Complaints through the web chat and the real host: the case gets a decision record after the customer's reply went
/// out, from the model when one is configured (WireMock.Net as the chat-completions server), from the rules otherwise.
/// </summary>
public abstract class AssessmentEndToEndTests : IAsyncDisposable
{
    private const string ApiKey = "assessment-tests-api-key-0123456789";

    private readonly ChatCompletionsStub _model = new();
    private readonly DecisionSignal _signal = new();
    private BotFactory? _factory;
    private HttpClient? _client;
    private RecordsStorage? _storage;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract Task<RecordsStorage> CreateStorageAsync();

    [Fact]
    public async Task TheReplyArrivesBeforeTheModelAnswersAndTheCaseThenGetsTheModelsDecision()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _model.Reply(ChatCompletionsStub.Ok(ChatCompletionsStub.Verdict(severity: "moderate", category: "product_quality", rationale: "The kettle was faulty."), holdUntil: release.Task));
        await StartAsync(withModel: true);

        var conversation = await ComplainAsync("The kettle stopped working after two days and the handle cracked.");

        // The confirmation is in the chat while the model still holds its answer.
        var @case = await SingleCaseAsync();
        Assert.Null(@case.Grade);
        Assert.Empty(_signal.Decided);

        release.SetResult();
        var decided = await _signal.WaitAsync(d => d.CaseId == @case.Id, Ct);
        Assert.Equal("llm", decided.Source);

        var details = await GetCaseAsync(@case.Id);
        var decision = Assert.Single(details.GetProperty("decisions").EnumerateArray());
        Assert.Equal("llm", decision.GetProperty("source").GetString());
        Assert.Equal("stub-model", decision.GetProperty("model").GetString());
        Assert.StartsWith("complaint-assessment@1", decision.GetProperty("promptVersion").GetString(), StringComparison.Ordinal);
        Assert.Equal("opened", decision.GetProperty("trigger").GetString());
        Assert.Equal(details.GetProperty("grade").GetString(), decision.GetProperty("grade").GetString());
        Assert.Equal(details.GetProperty("tier").GetString(), decision.GetProperty("tier").GetString());
        Assert.Contains(details.GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == CaseAssessor.AssessedEvent);
        Assert.Equal(1, _model.Calls);
        Assert.NotNull(conversation.Id);
    }

    [Fact]
    public async Task AModelThatRatesABurnMinorCannotLowerTheSafetyFloor()
    {
        _model.Reply(ChatCompletionsStub.Ok(ChatCompletionsStub.Verdict(severity: "minor", rationale: "A small issue.")));
        await StartAsync(withModel: true);

        await ComplainAsync("The kettle leaked boiling water and I got a burn on my hand.");
        var @case = await SingleCaseAsync();
        var decided = await _signal.WaitAsync(d => d.CaseId == @case.Id, Ct);

        Assert.Equal(ChatFeedback.Assessment.Grade.Major, decided.Grade);
        Assert.Equal(ChatFeedback.Assessment.Tier.SeniorManagement, decided.Tier);
        Assert.True(decided.Flags.HasFlag(ChatFeedback.Assessment.Signals.Safety));
    }

    [Fact]
    public async Task WithoutAModelTheRulesDecideAndARedeliveryDoesNotAssessAgain()
    {
        await StartAsync(withModel: false);

        var conversation = await ComplainAsync("The parcel came a week late and nobody answered my emails.");
        var @case = await SingleCaseAsync();
        var decided = await _signal.WaitAsync(d => d.CaseId == @case.Id, Ct);
        Assert.Equal("rules", decided.Source);

        // The last message delivered again, and the same assessment asked for again: still one decision.
        Assert.Equal("duplicate", await PostAsync(conversation, new { id = "c7", text = "yes" }));
        var assessor = _factory!.Services.GetRequiredService<CaseAssessor>();
        Assert.Equal(AssessOutcome.AlreadyAssessed, await assessor.AssessAsync(@case.Id, CaseAssessor.OpenedTrigger, Ct));

        var details = await GetCaseAsync(@case.Id);
        Assert.Single(details.GetProperty("decisions").EnumerateArray());
        Assert.Equal(0, _model.Calls);
    }

    [Fact]
    public async Task AnAgentCorrectsTheGradeWithAReasonAndTheCorrectionIsAudited()
    {
        await StartAsync(withModel: false);
        await ComplainAsync("The parcel came a week late and nobody answered my emails.");
        var @case = await SingleCaseAsync();
        await _signal.WaitAsync(d => d.CaseId == @case.Id, Ct);

        using var bad = await PostGradeAsync(@case.Id, new { grade = "catastrophic", reason = "" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(problem.GetProperty("errors").TryGetProperty("grade", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("reason", out _));

        using var missing = await PostGradeAsync(Guid.NewGuid(), new { grade = "major", reason = "x" });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        using var anonymous = await _client!.PostAsJsonAsync($"/api/cases/{@case.Id}/grade", new { grade = "major", reason = "x" }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var corrected = await PostGradeAsync(@case.Id, new { grade = "major", reason = "Third late delivery for a VIP this month.", agent = "li.na" });
        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        var decision = await corrected.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("agent", decision.GetProperty("source").GetString());
        Assert.Equal("Major", decision.GetProperty("grade").GetString());
        Assert.Equal("SeniorManagement", decision.GetProperty("tier").GetString());
        Assert.Equal("api:li.na", decision.GetProperty("actor").GetString());

        var details = await GetCaseAsync(@case.Id);
        Assert.Equal("Major", details.GetProperty("grade").GetString());
        Assert.Equal("SeniorManagement", details.GetProperty("tier").GetString());
        Assert.Equal(["rules", "agent"], details.GetProperty("decisions").EnumerateArray().Select(d => d.GetProperty("source").GetString()));

        await using var db = _factory!.Services.GetRequiredService<IDbContextFactory<RecordsDbContext>>().CreateDbContext();
        var audit = await db.AuditEntries.SingleAsync(a => a.EntityId == @case.Id.ToString() && a.Action == CaseAssessor.GradeCorrectedEvent, Ct);
        Assert.Equal("api:li.na", audit.Actor);
    }

    [Fact]
    public async Task AVipCustomersCaseMustBeAnsweredWithinFifteenMinutesAndIsAtLeastSignificant()
    {
        await StartAsync(withModel: false);
        using var opened = await _client!.PostAsJsonAsync("/api/webchat/conversations", new { locale = "en" }, Ct);
        var conversation = await opened.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var conversationId = conversation.GetProperty("conversationId").GetString()!;
        using var purchase = new HttpRequestMessage(HttpMethod.Post, "/api/purchases")
        {
            Content = JsonContent.Create(new
            {
                orderId = "vip-order-1",
                customerId = "vip-customer-1",
                customerTier = "VIP",
                store = "Shanghai Nanjing Road",
                region = "East",
                channels = new { webchat = new { conversationId } },
                locale = "en",
                items = new[] { new { sku = "KETTLE-1", name = "Kettle", quantity = 1, unitPrice = 399m } },
                amount = 399m,
                currency = "CNY",
                purchasedAt = _factory!.Time.GetUtcNow().AddHours(-3),
            }),
        };
        purchase.Headers.Add("X-Api-Key", ApiKey);
        using (var accepted = await _client!.SendAsync(purchase, Ct))
        {
            Assert.True(accepted.IsSuccessStatusCode, await accepted.Content.ReadAsStringAsync(Ct));
        }

        await ComplainInAsync((conversationId, conversation.GetProperty("token").GetString()!), "The lid is a bit loose.");
        var @case = await SingleCaseAsync();
        var decided = await _signal.WaitAsync(d => d.CaseId == @case.Id, Ct);

        Assert.True(decided.Flags.HasFlag(ChatFeedback.Assessment.Signals.Vip));
        Assert.True(decided.Grade >= ChatFeedback.Assessment.Grade.Significant, $"grade {decided.Grade}");
        var routed = await SingleCaseAsync();
        Assert.Equal(routed.OpenedAt + TimeSpan.FromMinutes(15), routed.RespondBy);
        await using var db = _factory.Services.GetRequiredService<IDbContextFactory<RecordsDbContext>>().CreateDbContext();
        var order = await db.Orders.SingleAsync(o => o.ExternalOrderId == "vip-order-1", Ct);
        Assert.Equal(("Shanghai Nanjing Road", "East"), (order.Store, order.Region));
        Assert.Equal("vip", (await db.Customers.SingleAsync(c => c.Id == order.CustomerId, Ct)).Tier);
    }

    [Fact]
    public async Task ACaseLeftWithoutAssessmentIsFoundByTheRepairAndAssessed()
    {
        await StartAsync(withModel: false);
        var contexts = _factory!.Services.GetRequiredService<IDbContextFactory<RecordsDbContext>>();
        var now = _factory.Time.GetUtcNow();
        var orphan = new Case
        {
            Id = Guid.NewGuid(),
            ConversationKey = "webchat:orphan",
            SourceMessageId = "m1",
            FlowId = "complaint",
            Category = "delivery",
            Severity = "Moderate",
            Tier = CaseTier.DepartmentLead,
            Status = CaseStatus.Open,
            OpenedAt = now - TimeSpan.FromHours(1),
            RespondBy = now + TimeSpan.FromHours(23),
            HandleBy = now + TimeSpan.FromHours(47),
            UpdatedAt = now,
        };
        await using (var db = contexts.CreateDbContext())
        {
            db.Cases.Add(orphan);
            await db.SaveChangesAsync(Ct);
        }

        Assert.Equal(1, await _factory.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<AssessmentRepairService>().Single().RepairAsync(Ct));
        var decided = await _signal.WaitAsync(d => d.CaseId == orphan.Id, Ct);

        Assert.Equal("rules", decided.Source);
        await using var check = contexts.CreateDbContext();
        Assert.NotNull((await check.Cases.SingleAsync(c => c.Id == orphan.Id, Ct)).Grade);
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        _model.Dispose();
        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    private async Task StartAsync(bool withModel)
    {
        _storage = await CreateStorageAsync();
        _factory = new BotFactory(
            settings: new Dictionary<string, string?>(_storage.Settings)
            {
                ["Api:Keys:0"] = ApiKey,
                ["Llm:Endpoint"] = withModel ? _model.Endpoint : null,
                ["Llm:Model"] = withModel ? "stub-model" : null,
                ["Llm:Enabled"] = withModel ? "true" : "false",
            },
            services: services => services.AddSingleton<IAssessmentListener>(_signal));
        _client = _factory.CreateClient();
    }

    /// <summary>Files a complaint in the web chat with <paramref name="description"/> and waits for the confirmation.</summary>
    private async Task<(string Id, string Token)> ComplainAsync(string description)
    {
        using var response = await _client!.PostAsJsonAsync("/api/webchat/conversations", new { locale = "en" }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var opened = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var conversation = (opened.GetProperty("conversationId").GetString()!, opened.GetProperty("token").GetString()!);
        await ComplainInAsync(conversation, description);
        return conversation;
    }

    private async Task ComplainInAsync((string Id, string Token) conversation, string description)
    {
        string[] answers = ["/complaint", "product quality", description, "skip", "refund", "yes"];
        for (var i = 0; i < answers.Length; i++)
        {
            Assert.Equal("queued", await PostAsync(conversation, new { id = $"c{i + 2}", text = answers[i] }));
        }

        await WaitForTextAsync(conversation.Id, "registered");
    }

    private async Task<string> PostAsync((string Id, string Token) conversation, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webchat/conversations/{conversation.Id}/messages") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", conversation.Token);
        using var response = await _client!.SendAsync(request, Ct);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString()!;
    }

    private async Task WaitForTextAsync(string conversationId, string text)
    {
        var store = _factory!.Services.GetRequiredService<IWebChatTranscriptStore>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await foreach (var entry in store.WatchAsync(conversationId, 0, timeout.Token))
        {
            if (entry.Message.Text.Contains(text, StringComparison.Ordinal))
            {
                return;
            }
        }
    }

    private async Task<Case> SingleCaseAsync()
    {
        await using var db = _factory!.Services.GetRequiredService<IDbContextFactory<RecordsDbContext>>().CreateDbContext();
        return await db.Cases.AsNoTracking().SingleAsync(Ct);
    }

    private async Task<JsonElement> GetCaseAsync(Guid id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/cases/{id}");
        request.Headers.Add("X-Api-Key", ApiKey);
        using var response = await _client!.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private Task<HttpResponseMessage> PostGradeAsync(Guid id, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/cases/{id}/grade") { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", ApiKey);
        return _client!.SendAsync(request, Ct);
    }
}

public sealed class SqliteAssessmentEndToEndTests : AssessmentEndToEndTests
{
    protected override Task<RecordsStorage> CreateStorageAsync() => Task.FromResult<RecordsStorage>(new SqliteRecordsStorage());
}

public sealed class PostgresAssessmentEndToEndTests(PostgresServerFixture postgres) : AssessmentEndToEndTests
{
    protected override async Task<RecordsStorage> CreateStorageAsync() => await PostgresRecordsStorage.CreateAsync(postgres);
}
