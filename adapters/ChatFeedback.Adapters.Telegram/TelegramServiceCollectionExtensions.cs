using ChatFeedback.Adapters.AspNetCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Telegram.Bot;

namespace ChatFeedback.Adapters.Telegram;

public static class TelegramServiceCollectionExtensions
{
    /// <summary>The named <see cref="HttpClient"/> the Bot API client uses.</summary>
    public const string HttpClientName = "telegram";

    /// <summary>
    /// Registers the Telegram channel when <c>Telegram:BotToken</c> is set: the Bot API client, the
    /// <see cref="TelegramAdapter"/> as <see cref="IChannelAdapter"/> and <see cref="IInteractionResponder"/>, validated
    /// <see cref="TelegramOptions"/>, command publishing, and polling or webhook registration by <c>Telegram:Mode</c>.
    /// With no token nothing is registered; <see cref="TelegramEndpoints.MapTelegram"/> logs that the channel is off.
    /// The host registers <see cref="IInboundSink"/> and any <see cref="TelegramCommand"/>s.
    /// </summary>
    public static IServiceCollection AddTelegram(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var section = configuration.GetSection(TelegramOptions.SectionName);
        var snapshot = section.Get<TelegramOptions>() ?? new TelegramOptions();
        if (!snapshot.Enabled)
        {
            return services;
        }

        services.AddSingleton<TelegramChannelMarker>();
        services.AddOptions<TelegramOptions>()
            .BindConfiguration(TelegramOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelegramOptions>, TelegramOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<TelegramMetrics>();
        services.AddWebhookRejections();

        // RetryThreshold 0: the library must never sleep on a 429 inside our call; the outbound queue retries.
        // Singletons hold the client, so connections are recycled by the handler instead of by IHttpClientFactory.
        // No per-request log scope and lines from IHttpClientFactory: a send costs a scope and four log calls on the
        // hot path (about 7 % of the service's CPU per turn under load), and the outbound queue logs what fails.
        services.AddHttpClient(HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers()
            .AddTypedClient<ITelegramBotClient>((httpClient, provider) =>
            {
                var options = provider.GetRequiredService<IOptions<TelegramOptions>>().Value;
                var clientOptions = new TelegramBotClientOptions(options.BotToken!, options.ApiBaseUrl.AbsoluteUri)
                {
                    RetryThreshold = 0,
                };
                return new TelegramBotClient(clientOptions, httpClient);
            });

        services.TryAddSingleton<TelegramAdapter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChannelAdapter, TelegramAdapter>(sp => sp.GetRequiredService<TelegramAdapter>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInteractionResponder, TelegramAdapter>(sp => sp.GetRequiredService<TelegramAdapter>()));

        // Publishes the commands in both modes, and sets the webhook in webhook mode.
        services.AddHostedService<TelegramWebhookRegistration>();
        if (snapshot.Mode == TelegramMode.Polling)
        {
            services.AddHostedService<TelegramPollingService>();
        }

        return services;
    }
}

/// <summary>Present in DI only when the channel is on.</summary>
internal sealed class TelegramChannelMarker;
