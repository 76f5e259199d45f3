using ChatFeedback.Adapters.WebChat;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatFeedback.Bot.Sessions;

/// <summary>
/// Creates the one <see cref="IConnectionMultiplexer"/> every Redis store shares. As a hosted service it opens that
/// connection at start-up (when Redis is configured), so the outcome is logged before the first message arrives.
/// </summary>
internal sealed class RedisConnection(
    IServiceProvider services,
    IOptions<RedisOptions> options,
    IOptions<WebChatOptions> webChat,
    ILogger<RedisConnection> logger) : IHostedService
{
    public static IConnectionMultiplexer Connect(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<RedisOptions>>().Value;
        if (!options.IsConfigured)
        {
            throw new InvalidOperationException("Redis is not configured (Redis:ConnectionString is empty); check RedisOptions.IsConfigured before using Redis.");
        }

        var loggerFactory = services.GetRequiredService<ILoggerFactory>();
        var logger = loggerFactory.CreateLogger<RedisConnection>();
        var configuration = ConfigurationOptions.Parse(options.ConnectionString);
        // Keep retrying in the background instead of failing start-up: Redis may come up after us; /health says so meanwhile.
        configuration.AbortOnConnectFail = false;
        configuration.ClientName ??= "chatfeedback";
        configuration.LoggerFactory ??= loggerFactory;

        var multiplexer = ConnectionMultiplexer.Connect(configuration);
        multiplexer.ConnectionFailed += (_, e) =>
            logger.LogWarning(e.Exception, "Redis connection to {Endpoint} failed ({FailureType}); retrying", e.EndPoint, e.FailureType);
        multiplexer.ConnectionRestored += (_, e) =>
            logger.LogInformation("Redis connection to {Endpoint} restored", e.EndPoint);
        return multiplexer;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.IsConfigured)
        {
            logger.LogInformation("Sessions, dedupe, survey links and web chat transcripts are kept in this process (Redis:ConnectionString is empty)");
            return Task.CompletedTask;
        }

        var connection = services.GetRequiredService<IConnectionMultiplexer>();
        var endpoints = string.Join(", ", connection.GetEndPoints().Select(endpoint => endpoint.ToString()));
        if (connection.IsConnected)
        {
            logger.LogInformation("Sessions, dedupe, the turn inbox, survey links and web chat transcripts are in Redis at {Endpoints} under {KeyPrefix}", endpoints, options.Value.KeyPrefix);
        }
        else
        {
            logger.LogError("Redis at {Endpoints} (Redis:ConnectionString) does not answer; retrying in the background, and turns fail until it does", endpoints);
        }

        if (string.IsNullOrEmpty(webChat.Value.SigningKey))
        {
            // Redis is how instances share work: with a key of its own, each would refuse the others' web chat tokens.
            logger.LogWarning("WebChat:SigningKey is empty, so this instance signs web chat tokens with a key of its own; set one key for every instance that shares this Redis");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
