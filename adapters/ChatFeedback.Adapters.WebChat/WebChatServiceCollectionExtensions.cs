using ChatFeedback.Adapters.AspNetCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Adapters.WebChat;

public static class WebChatServiceCollectionExtensions
{
    /// <summary>
    /// Registers the web chat channel: its <see cref="IChannelAdapter"/> (one among the host's adapters), the
    /// in-memory transcript store, the token service and validated <see cref="WebChatOptions"/>. The host registers
    /// <see cref="IInboundSink"/> and calls <see cref="WebChatEndpoints.MapWebChat"/>.
    /// </summary>
    public static IServiceCollection AddWebChat(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<WebChatOptions>()
            .Bind(configuration.GetSection(WebChatOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebChatOptions>, WebChatOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.AddWebhookRejections();
        services.TryAddSingleton<IWebChatTranscriptStore, InMemoryWebChatTranscriptStore>();
        services.TryAddSingleton<WebChatTokenService>();
        services.TryAddSingleton<WebChatTokenFilter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChannelAdapter, WebChatAdapter>());
        return services;
    }
}
