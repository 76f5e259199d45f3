using ChatFeedback.Adapters.AspNetCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Adapters.Teams;

public static class TeamsServiceCollectionExtensions
{
    /// <summary>The named <see cref="HttpClient"/> for connector calls (<c>{serviceUrl}/v3/…</c>).</summary>
    public const string ConnectorHttpClientName = "teams-connector";

    /// <summary>The named <see cref="HttpClient"/> for OpenID metadata and signing keys.</summary>
    public const string AuthHttpClientName = "teams-auth";

    /// <summary>The named <see cref="HttpClient"/> MSAL uses for token requests.</summary>
    public const string TokenHttpClientName = "teams-token";

    /// <summary>
    /// Registers the Teams channel when <c>Teams:AppId</c> is set (or <c>Teams:AllowAnonymous</c> for local
    /// development): validated <see cref="TeamsOptions"/>, the <see cref="TeamsAuthenticator"/>, the serviceUrl
    /// allow-list, the connector token provider and <see cref="TeamsAdapter"/> as <see cref="IChannelAdapter"/>.
    /// Otherwise nothing is registered and <see cref="TeamsEndpoints.MapTeams"/> logs that the channel is off.
    /// The host registers <see cref="IInboundSink"/>.
    /// </summary>
    public static IServiceCollection AddTeams(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var snapshot = configuration.GetSection(TeamsOptions.SectionName).Get<TeamsOptions>() ?? new TeamsOptions();
        if (!snapshot.Enabled)
        {
            return services;
        }

        services.AddSingleton<TeamsChannelMarker>();
        services.AddOptions<TeamsOptions>()
            .BindConfiguration(TeamsOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TeamsOptions>, TeamsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddWebhookRejections();

        // Connector answers quickly or not at all; a send that hangs would hold up the conversation's queue.
        // The connector client sends every reply: no per-request log scope and lines from IHttpClientFactory (the
        // outbound queue logs what fails).
        services.AddHttpClient(ConnectorHttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30)).RemoveAllLoggers();
        services.AddHttpClient(AuthHttpClientName, c => c.Timeout = TimeSpan.FromSeconds(15));
        services.AddHttpClient(TokenHttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30));

        services.TryAddSingleton<TeamsAuthenticator>();
        services.TryAddSingleton<TeamsServiceUrlAllowList>();
        if (snapshot.Anonymous)
        {
            services.TryAddSingleton<IConnectorTokenProvider, AnonymousConnectorTokenProvider>();
        }
        else
        {
            services.TryAddSingleton<IConnectorTokenProvider, MsalConnectorTokenProvider>();
        }

        services.TryAddSingleton<TeamsAdapter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChannelAdapter, TeamsAdapter>(sp => sp.GetRequiredService<TeamsAdapter>()));
        return services;
    }
}

/// <summary>Present in DI only when the channel is on.</summary>
internal sealed class TeamsChannelMarker;
