using Microsoft.Extensions.Options;
using Microsoft.Identity.Client;

namespace ChatFeedback.Adapters.Teams;

/// <summary>Bearer tokens for calls to the Bot Connector.</summary>
public interface IConnectorTokenProvider
{
    /// <summary>
    /// A token for the connector, or null to send without one (anonymous development mode). Pass the token the
    /// connector just refused (401) to get a fresh one; concurrent callers refusing the same token share one refresh.
    /// </summary>
    Task<string?> GetTokenAsync(string? rejectedToken, CancellationToken cancellationToken);
}

/// <summary>Anonymous development mode: outbound calls carry no Authorization header, as the SDK does without an App ID.</summary>
internal sealed class AnonymousConnectorTokenProvider : IConnectorTokenProvider
{
    public Task<string?> GetTokenAsync(string? rejectedToken, CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}

/// <summary>
/// Client-credential tokens from Entra through MSAL, which caches them and renews them before expiry. The authority is
/// <c>{TokenAuthority}/botframework.com</c> for multi-tenant apps and <c>{TokenAuthority}/{TenantId}</c> for
/// single-tenant ones (the wrong one gives AADSTS700016). One acquisition at a time: concurrent ones get throttled.
/// </summary>
internal sealed class MsalConnectorTokenProvider : IConnectorTokenProvider, IDisposable
{
    private readonly IConfidentialClientApplication app;
    private readonly string[] scopes;
    private readonly SemaphoreSlim gate = new(1, 1);

    public MsalConnectorTokenProvider(IOptions<TeamsOptions> options, IHttpClientFactory httpClientFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        scopes = [settings.TokenScope];
        app = ConfidentialClientApplicationBuilder.Create(settings.AppId)
            .WithClientSecret(settings.AppPassword)
            .WithAuthority(AuthorityOf(settings), validateAuthority: false)
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(new MsalHttpClientFactory(httpClientFactory))
            .Build();
    }

    /// <summary>The token authority: <c>{TokenAuthority}/{tenant}</c>.</summary>
    public static string AuthorityOf(TeamsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return $"{options.TokenAuthority.AbsoluteUri.TrimEnd('/')}/{Uri.EscapeDataString(options.TokenTenant)}";
    }

    public async Task<string?> GetTokenAsync(string? rejectedToken, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var result = await app.AcquireTokenForClient(scopes).ExecuteAsync(cancellationToken);
            if (rejectedToken is null || !string.Equals(result.AccessToken, rejectedToken, StringComparison.Ordinal))
            {
                return result.AccessToken;
            }

            // The cached token is the one the connector refused: renew it, once for all callers that saw it refused.
            result = await app.AcquireTokenForClient(scopes).WithForceRefresh(true).ExecuteAsync(cancellationToken);
            return result.AccessToken;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();

    private sealed class MsalHttpClientFactory(IHttpClientFactory factory) : IMsalHttpClientFactory
    {
        public HttpClient GetHttpClient() => factory.CreateClient(TeamsServiceCollectionExtensions.TokenHttpClientName);
    }
}
