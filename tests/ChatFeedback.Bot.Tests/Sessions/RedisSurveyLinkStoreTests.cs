using ChatFeedback.Bot.Sessions;
using ChatFeedback.Bot.Tests.Support;

namespace ChatFeedback.Bot.Tests.Sessions;

[Collection(RedisTestGroup.Name)]
public sealed class RedisSurveyLinkStoreTests(RedisServerFixture redis) : SurveyLinkStoreContractTests
{
    private readonly RedisKeys _keys = RedisServerFixture.NewKeys();

    protected override ISurveyLinkStore CreateStore() => new RedisSurveyLinkStore(redis.Connection, _keys, Time);

    protected override async Task ElapseAsync(string token, TimeSpan elapsed)
    {
        await base.ElapseAsync(token, elapsed);
        await redis.AgeKeyAsync(_keys.Link(token), elapsed);
    }

    [Fact]
    public async Task LinkKeyExpiresWithTheLink()
    {
        var store = CreateStore();

        var link = await store.CreateAsync("post-purchase-survey", null, null, null, TimeSpan.FromHours(2), Ct);

        var ttl = await redis.Connection.GetDatabase().KeyTimeToLiveAsync(_keys.Link(link.Token));
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromHours(2) - TimeSpan.FromMinutes(1), TimeSpan.FromHours(2));
    }

    [Fact]
    public async Task OfTwoInstancesRedeemingTheSameLinkExactlyOneGetsIt()
    {
        await using var other = await redis.ConnectAsync();
        var stores = new[] { CreateStore(), new RedisSurveyLinkStore(other, _keys, Time) };
        var link = await stores[0].CreateAsync("post-purchase-survey", "order-1", null, "en", TimeSpan.FromHours(1), Ct);

        var results = await Task.WhenAll(stores.Select(store => Task.Run(() => store.RedeemAsync(link.Token, Ct), Ct)));

        Assert.Single(results, redeemed => redeemed is not null);
    }

    [Fact]
    public async Task RedeemingRemovesTheKey()
    {
        var store = CreateStore();
        var link = await store.CreateAsync("complaint", null, null, null, TimeSpan.FromHours(1), Ct);

        await store.RedeemAsync(link.Token, Ct);

        Assert.False(await redis.Connection.GetDatabase().KeyExistsAsync(_keys.Link(link.Token)));
    }
}
