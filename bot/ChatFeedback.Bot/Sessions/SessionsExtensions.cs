using ChatFeedback.Adapters.WebChat;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatFeedback.Bot.Sessions;

public static class SessionsExtensions
{
    /// <summary>
    /// Sessions, dedupe, the turn inbox, survey links and web chat transcripts: in Redis (one shared multiplexer, plus a <c>redis</c> health check) when
    /// <c>Redis:ConnectionString</c> is set, otherwise in this process (the embedded default).
    /// </summary>
    /// <remarks>
    /// The choice is made from the validated <see cref="RedisOptions"/> when the stores are first resolved, not from
    /// <c>builder.Configuration</c> now: configuration sources added later (test hosts do) must count too.
    /// </remarks>
    public static IHostApplicationBuilder AddSessions(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SessionsOptions>().BindConfiguration(SessionsOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SessionsOptions>, SessionsOptionsValidator>();
        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RedisOptions>, RedisOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<IConnectionMultiplexer>(RedisConnection.Connect);
        services.AddSingleton(provider => new RedisKeys(provider.GetRequiredService<IOptions<RedisOptions>>().Value.KeyPrefix));
        services.AddHostedService<RedisConnection>();
        services.AddSingleton(RedisOrInProcess<ISessionStore, RedisSessionStore, InMemorySessionStore>);
        services.AddSingleton(RedisOrInProcess<IMessageDeduplicator, RedisMessageDeduplicator, InMemoryMessageDeduplicator>);
        services.AddSingleton(RedisOrInProcess<ITurnInbox, RedisTurnInbox, InProcessTurnInbox>);
        services.AddSingleton(RedisOrInProcess<ISurveyLinkStore, RedisSurveyLinkStore, InMemorySurveyLinkStore>);
        services.AddSingleton(RedisOrInProcess<IWebChatTranscriptStore, RedisWebChatTranscriptStore, InMemoryWebChatTranscriptStore>);

        services.AddHealthChecks();
        services.AddOptions<HealthCheckServiceOptions>().Configure<IOptions<RedisOptions>>((health, redis) =>
        {
            if (redis.Value.IsConfigured)
            {
                health.Registrations.Add(new HealthCheckRegistration(
                    "redis", provider => ActivatorUtilities.CreateInstance<RedisHealthCheck>(provider), failureStatus: null, tags: null));
            }
        });
        return builder;
    }

    private static TService RedisOrInProcess<TService, TRedis, TInProcess>(IServiceProvider provider)
        where TService : class
        where TRedis : TService
        where TInProcess : TService =>
        provider.GetRequiredService<IOptions<RedisOptions>>().Value.IsConfigured
            ? ActivatorUtilities.CreateInstance<TRedis>(provider)
            : ActivatorUtilities.CreateInstance<TInProcess>(provider);
}
