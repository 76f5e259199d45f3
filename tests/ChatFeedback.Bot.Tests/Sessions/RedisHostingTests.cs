using System.Text.Json;
using ChatFeedback.Bot.Sessions;
using ChatFeedback.Bot.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatFeedback.Bot.Tests.Sessions;

/// <summary>How the service picks its stores from <c>Redis:*</c>, through the real host.</summary>
[Collection(RedisTestGroup.Name)]
public sealed class RedisHostingTests(RedisServerFixture redis)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WithAConnectionStringSessionsDedupeAndLinksLiveInRedis()
    {
        var prefix = RedisServerFixture.NewKeys().Prefix;
        await using var factory = new BotFactory(configure: configuration => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = redis.ConnectionString,
            ["Redis:KeyPrefix"] = prefix,
        }));
        using var client = factory.CreateClient();

        Assert.IsType<RedisSessionStore>(factory.Services.GetRequiredService<ISessionStore>());
        Assert.IsType<RedisMessageDeduplicator>(factory.Services.GetRequiredService<IMessageDeduplicator>());
        Assert.IsType<RedisSurveyLinkStore>(factory.Services.GetRequiredService<ISurveyLinkStore>());
        Assert.Equal(prefix, factory.Services.GetRequiredService<RedisKeys>().Prefix);
        Assert.True(factory.Services.GetRequiredService<IConnectionMultiplexer>().IsConnected);
        var link = await factory.Services.GetRequiredService<ISurveyLinkStore>().CreateAsync("complaint", null, null, null, TimeSpan.FromHours(1), Ct);
        Assert.True(await redis.Connection.GetDatabase().KeyExistsAsync($"{prefix}link:{link.Token}"));
    }

    [Fact]
    public async Task HealthReportsRedis()
    {
        await using var factory = new BotFactory(configure: configuration => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = redis.ConnectionString,
        }));
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative), Ct);

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("healthy", json.RootElement.GetProperty("checks").GetProperty("redis").GetString());
    }

    [Fact]
    public async Task WithoutAConnectionStringEverythingStaysInProcess()
    {
        await using var factory = new BotFactory();
        using var client = factory.CreateClient();

        Assert.IsType<InMemorySessionStore>(factory.Services.GetRequiredService<ISessionStore>());
        Assert.IsType<InMemoryMessageDeduplicator>(factory.Services.GetRequiredService<IMessageDeduplicator>());
        Assert.IsType<InMemorySurveyLinkStore>(factory.Services.GetRequiredService<ISurveyLinkStore>());
        Assert.Contains("Redis:ConnectionString", Assert.Throws<InvalidOperationException>(() => factory.Services.GetService<IConnectionMultiplexer>()).Message, StringComparison.Ordinal);
        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative), Ct);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.False(json.RootElement.GetProperty("checks").TryGetProperty("redis", out _));
    }

    [Fact]
    public async Task AnInvalidConnectionStringStopsStartUpNamingTheKey()
    {
        await using var factory = new BotFactory(configure: configuration => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = "127.0.0.1:6379,noSuchOption=1",
        }));

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("Redis:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:6379,noSuchOption=1", "Redis:ConnectionString")]
    [InlineData(",", "Redis:ConnectionString")]
    public void ValidatorNamesTheConnectionStringKey(string connectionString, string key)
    {
        var result = new RedisOptionsValidator().Validate(null, new RedisOptions { ConnectionString = connectionString });

        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage, StringComparison.Ordinal);
    }

    // Braces in the prefix would become the Redis Cluster hash tag instead of the conversation key (RedisKeys).
    [Theory]
    [InlineData("")]
    [InlineData("cf {a}:")]
    [InlineData("{cf}:")]
    [InlineData("cf}:")]
    public void ValidatorNamesTheKeyPrefixKey(string prefix)
    {
        var result = new RedisOptionsValidator().Validate(null, new RedisOptions { KeyPrefix = prefix });

        Assert.True(result.Failed);
        Assert.Contains("Redis:KeyPrefix", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("localhost:6379")]
    [InlineData("redis-a:6379,redis-b:6379,password=secret,ssl=true,abortConnect=false")]
    public void ValidatorAcceptsNoRedisAndRealConnectionStrings(string connectionString)
    {
        var result = new RedisOptionsValidator().Validate(null, new RedisOptions { ConnectionString = connectionString });

        Assert.True(result.Succeeded, result.FailureMessage);
    }
}
