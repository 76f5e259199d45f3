using System.Net;
using System.Net.Http.Json;
using ChatFeedback.Bot.Tests.Scheduling;
using ChatFeedback.Bot.Tests.Telegram;
using Microsoft.AspNetCore.Http;

namespace ChatFeedback.Bot.Tests.Purchases;

public sealed class PurchaseValidationTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 2, 0, 0, TimeSpan.Zero);
    private readonly BotApiStub _api = new();
    private readonly SqliteRecordsBackend _backend = new();
    private SchedulingHost _host = null!;

    public ValueTask InitializeAsync()
    {
        _host = SchedulingHost.Start(_api, _backend, Now);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _api.Dispose();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task RejectsABadPurchaseListingEveryBadField()
    {
        using var response = await _host.PostPurchaseAsync(new
        {
            orderId = "",
            channels = new { telegram = new { chatId = 0 }, msteams = new { conversationId = "19:abc", serviceUrl = "http://not-https" } },
            contact = new { email = "nope", phone = "12" },
            locale = "en US",
            timeZone = "Mars/Olympus",
            items = new object?[] { new { sku = "A", quantity = 1 }, new { sku = "B", quantity = 1, unitPrice = -1 }, new { sku = "", quantity = 0 }, null },
            amount = -5,
            currency = "yuan",
            purchasedAt = Now + TimeSpan.FromHours(1),
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>(TestContext.Current.CancellationToken);
        Assert.Equal(
            new[]
            {
                "amount", "channels.msteams.serviceUrl", "channels.telegram.chatId", "contact.email", "contact.phone", "currency", "customerId",
                "items[1].unitPrice", "items[2].quantity", "items[2].sku", "items[3]", "locale", "orderId", "purchasedAt", "timeZone",
            },
            problem!.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0, await _host.DbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Orders, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task RejectsAPurchaseWithoutAnApiKey()
    {
        using var client = _host.Factory.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/purchases", PurchaseEvents.Event("O", "C", Now), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task RejectsAnAbsurdlyOldPurchase()
    {
        using var response = await _host.PostPurchaseAsync(PurchaseEvents.Event("OLD", "C", Now - TimeSpan.FromDays(400)));
        var problem = await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>(TestContext.Current.CancellationToken);
        Assert.Equal(["purchasedAt"], problem!.Errors.Keys);
    }
}
