using ChatFeedback.Bot.Sessions;
using ChatFeedback.Bot.Tests.Support;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Tests.Sessions;

[Collection(RedisTestGroup.Name)]
public sealed class RedisMessageDeduplicatorTests(RedisServerFixture redis) : MessageDeduplicatorContractTests
{
    private readonly RedisKeys _keys = RedisServerFixture.NewKeys();

    protected override IMessageDeduplicator CreateDeduplicator() =>
        new RedisMessageDeduplicator(redis.Connection, _keys, Options.Create(new SessionsOptions { DedupeWindow = Window }));

    protected override async Task ElapseAsync(string conversationKey, string messageId, TimeSpan elapsed)
    {
        await base.ElapseAsync(conversationKey, messageId, elapsed);
        await redis.AgeKeyAsync(_keys.Dedupe(conversationKey, messageId), elapsed);
    }

    [Fact]
    public async Task RememberedIdExpiresAfterTheWindow()
    {
        var deduplicator = CreateDeduplicator();

        await deduplicator.TryBeginAsync("telegram:42", "42");

        var ttl = await redis.Connection.GetDatabase().KeyTimeToLiveAsync(_keys.Dedupe("telegram:42", "42"));
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, Window - TimeSpan.FromMinutes(1), Window);
    }

    [Fact]
    public async Task TwoInstancesAdmitAMessageIdOnce()
    {
        await using var other = await redis.ConnectAsync();
        var first = CreateDeduplicator();
        var second = new RedisMessageDeduplicator(other, _keys, Options.Create(new SessionsOptions { DedupeWindow = Window }));

        Assert.True(await first.TryBeginAsync("telegram:42", "7"));
        Assert.False(await second.TryBeginAsync("telegram:42", "7"));
    }
}
