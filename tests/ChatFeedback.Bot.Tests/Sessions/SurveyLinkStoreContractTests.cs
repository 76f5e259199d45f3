using ChatFeedback.Bot.Sessions;
using Microsoft.Extensions.Time.Testing;

namespace ChatFeedback.Bot.Tests.Sessions;

/// <summary>What every <see cref="ISurveyLinkStore"/> must do; each implementation runs it through a subclass.</summary>
public abstract partial class SurveyLinkStoreContractTests
{
    protected static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 14, 9, 0, 0, TimeSpan.Zero));

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A store on <see cref="Time"/>.</summary>
    protected abstract ISurveyLinkStore CreateStore();

    /// <summary>Lets <paramref name="elapsed"/> pass for one link; a store with its own clock (Redis) ages that link's key too.</summary>
    protected virtual Task ElapseAsync(string token, TimeSpan elapsed)
    {
        Time.Advance(elapsed);
        return Task.CompletedTask;
    }

    private static Task<SurveyLink> CreateLinkAsync(ISurveyLinkStore store) =>
        store.CreateAsync("post-purchase-survey", "order-42", "customer-7", "zh-CN", Lifetime, Ct);

    [Fact]
    public async Task CreatedLinkHasAnUnguessableTokenThatFitsADeepLink()
    {
        var store = CreateStore();

        var first = await CreateLinkAsync(store);
        var second = await CreateLinkAsync(store);

        Assert.Matches(DeepLinkPayload(), first.Token);
        Assert.NotEqual(first.Token, second.Token);
        Assert.Equal(Time.GetUtcNow() + Lifetime, first.ExpiresAt);
    }

    [Fact]
    public async Task CreatedLinkIsRedeemedWithEveryField()
    {
        var store = CreateStore();
        var created = await CreateLinkAsync(store);

        var redeemed = await store.RedeemAsync(created.Token, Ct);

        Assert.Equal(created, redeemed);
    }

    [Fact]
    public async Task LinkWithoutOptionalFieldsIsRedeemedAsCreated()
    {
        var store = CreateStore();
        var created = await store.CreateAsync("complaint", orderId: null, customerId: null, locale: null, Lifetime, Ct);

        Assert.Equal(created, await store.RedeemAsync(created.Token, Ct));
    }

    [Fact]
    public async Task LinkIsRedeemedOnlyOnce()
    {
        var store = CreateStore();
        var created = await CreateLinkAsync(store);
        await store.RedeemAsync(created.Token, Ct);

        Assert.Null(await store.RedeemAsync(created.Token, Ct));
    }

    [Fact]
    public async Task LinkIsRedeemedJustBeforeItExpires()
    {
        var store = CreateStore();
        var created = await CreateLinkAsync(store);
        await ElapseAsync(created.Token, Lifetime - TimeSpan.FromMinutes(1));

        Assert.Equal(created, await store.RedeemAsync(created.Token, Ct));
    }

    [Fact]
    public async Task ExpiredLinkIsNotRedeemed()
    {
        var store = CreateStore();
        var created = await CreateLinkAsync(store);
        await ElapseAsync(created.Token, Lifetime + TimeSpan.FromSeconds(1));

        Assert.Null(await store.RedeemAsync(created.Token, Ct));
    }

    [Fact]
    public async Task UnknownTokenIsNotRedeemed()
    {
        var store = CreateStore();

        Assert.Null(await store.RedeemAsync(InMemorySurveyLinkStore.NewToken(), Ct));
    }

    [Fact]
    public async Task OnlyOneOfManyConcurrentRedeemsGetsTheLink()
    {
        var store = CreateStore();
        var created = await CreateLinkAsync(store);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => store.RedeemAsync(created.Token, Ct), Ct)));

        Assert.Single(results, link => link is not null);
    }

    [Fact]
    public async Task ALinkMustHaveALifetime()
    {
        var store = CreateStore();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.CreateAsync("complaint", null, null, null, TimeSpan.Zero, Ct));
    }

    // Telegram's /start payload: at most 64 characters of A-Z, a-z, 0-9, _ and -.
    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9_-]{22}$")]
    private static partial System.Text.RegularExpressions.Regex DeepLinkPayload();
}
