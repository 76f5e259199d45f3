using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ChatFeedback.Adapters.AspNetCore;

public static class WebhookRejectionsServiceCollectionExtensions
{
    /// <summary>Registers the one <see cref="WebhookRejections"/> every channel endpoint reports to (idempotent).</summary>
    public static IServiceCollection AddWebhookRejections(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WebhookRejections>();
        return services;
    }
}
