using System.Net.Http.Json;
using ChatFeedback.Bot.Api;
using ChatFeedback.Bot.Purchases;
using ChatFeedback.Bot.Records;
using ChatFeedback.Bot.Tests.Telegram;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ChatFeedback.Bot.Tests.Scheduling;

/// <summary>
/// The real service (Telegram channel on, pointed at a Bot API stub) on a test's own records database, with a
/// fake clock the scheduler runs on. Disposing it and starting another on the same backend is a restart.
/// </summary>
internal sealed class SchedulingHost : IAsyncDisposable
{
    public const string BotUsername = "ChatFeedbackBot";

    private SchedulingHost(TelegramBotFactory factory, HttpClient client)
    {
        Factory = factory;
        Client = client;
    }

    public TelegramBotFactory Factory { get; }

    public HttpClient Client { get; }

    public FakeTimeProvider Time => Factory.Time;

    public static SchedulingHost Start(BotApiStub api, IRecordsBackend backend, DateTimeOffset now, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var overrides = new Dictionary<string, string?>(backend.Settings)
        {
            ["Telegram:BotUsername"] = BotUsername,
            ["Scheduling:SlaSweepInterval"] = "00:01:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }

        var factory = new TelegramBotFactory(api, overrides, new FakeTimeProvider(now));
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add(ApiKeyFilter.HeaderName, TelegramBotFactory.ApiKey);
        return new SchedulingHost(factory, client);
    }

    public async Task<HttpResponseMessage> PostPurchaseAsync(object body) =>
        await Client.PostAsJsonAsync("/api/purchases", body, TestContext.Current.CancellationToken);

    public async Task<PurchaseAccepted> RecordPurchaseAsync(object body)
    {
        using var response = await PostPurchaseAsync(body);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {text}");
        return (await response.Content.ReadFromJsonAsync<PurchaseAccepted>(TestContext.Current.CancellationToken))!;
    }

    public async Task<T> DbAsync<T>(Func<RecordsDbContext, Task<T>> read)
    {
        await using var db = await Factory.Services.GetRequiredService<IDbContextFactory<RecordsDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        return await read(db);
    }

    public Task<Invitation> InvitationAsync(Guid id) => DbAsync(db => db.Invitations.AsNoTracking().SingleAsync(i => i.Id == id));

    /// <summary>
    /// Moves the clock to <paramref name="at"/> and waits until <paramref name="done"/> holds: what the scheduler
    /// does on a clock move happens on its own threads, so the outcome is awaited (checked every 20 ms, 30 s at most).
    /// </summary>
    public async Task AdvanceToAsync(DateTimeOffset at, Func<Task<bool>> done, string what)
    {
        if (at > Time.GetUtcNow())
        {
            Time.SetUtcNow(at);
        }

        await EventuallyAsync(done, what);
    }

    public static async Task EventuallyAsync(Func<Task<bool>> done, string what)
    {
        var limit = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await done())
        {
            if (DateTime.UtcNow > limit)
            {
                Assert.Fail($"Timed out after 30 s waiting for {what}.");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}

/// <summary>Purchase event bodies for tests.</summary>
internal static class PurchaseEvents
{
    public static Dictionary<string, object?> Event(string orderId, string customerId, DateTimeOffset purchasedAt, long? telegramChat = null, string timeZone = "Asia/Shanghai") => new()
    {
        ["orderId"] = orderId,
        ["customerId"] = customerId,
        ["channels"] = telegramChat is { } chat ? new Dictionary<string, object> { ["telegram"] = new { chatId = chat } } : null,
        ["locale"] = "en",
        ["timeZone"] = timeZone,
        ["items"] = new[] { new { sku = "TEA-01", name = "Longjing tea", quantity = 2, unitPrice = 49.5m } },
        ["amount"] = 99.0m,
        ["currency"] = "CNY",
        ["purchasedAt"] = purchasedAt,
    };
}
