using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ChatFeedback.Adapters.Teams;

/// <summary>One download of an issuer's signing keys: the keys by <c>kid</c> and each key's endorsements (channel ids).</summary>
internal sealed record SigningKeySet(
    FrozenDictionary<string, JsonWebKey> Keys,
    FrozenDictionary<string, string[]> Endorsements,
    DateTimeOffset LoadedAt);

/// <summary>
/// The signing keys behind one OpenID metadata URL, cached process-wide: the metadata document and its JWKS (read
/// raw as well, for the non-standard per-key <c>endorsements</c>) are fetched together, refreshed every 24 hours and
/// on an unknown <c>kid</c> (at most once per five minutes), one refresh at a time; a failed refresh keeps the last
/// good keys. Written instead of <c>ConfigurationManager</c>, whose refresh after the first load runs in the
/// background (the request that saw the new <c>kid</c> would still fail), on the wall clock, and without the JWKS.
/// </summary>
internal sealed class OpenIdKeySource(
    Uri metadataUrl,
    IHttpClientFactory httpClientFactory,
    TimeProvider timeProvider,
    ILogger logger) : IDisposable
{
    public static readonly TimeSpan AutomaticRefreshInterval = TimeSpan.FromHours(24);
    public static readonly TimeSpan MinimumRefreshInterval = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim gate = new(1, 1);
    private SigningKeySet? current;
    private DateTimeOffset lastAttempt = DateTimeOffset.MinValue;
    private DateTimeOffset lastForcedRefresh = DateTimeOffset.MinValue;

    public Uri MetadataUrl => metadataUrl;

    /// <summary>The keys, with <paramref name="kid"/> among them if it exists; refreshes once for an unknown kid.</summary>
    public async Task<SigningKeySet> GetForKeyAsync(string kid, CancellationToken cancellationToken)
    {
        var keys = Volatile.Read(ref current);
        if (keys is null || timeProvider.GetUtcNow() - keys.LoadedAt >= AutomaticRefreshInterval)
        {
            keys = await RefreshAsync(kid: null, cancellationToken);
        }

        return keys.Keys.ContainsKey(kid) ? keys : await RefreshAsync(kid, cancellationToken);
    }

    public void Dispose() => gate.Dispose();

    /// <summary>Refreshes unless another caller just did, or (with a loaded set) one was tried too recently.</summary>
    private async Task<SigningKeySet> RefreshAsync(string? kid, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var now = timeProvider.GetUtcNow();
            var loaded = current;
            if (loaded is not null)
            {
                var fresh = now - loaded.LoadedAt < AutomaticRefreshInterval;
                if (kid is null)
                {
                    // Scheduled refresh: skip when another caller just did it, or one failed moments ago.
                    if (fresh || now - lastAttempt < MinimumRefreshInterval)
                    {
                        return loaded;
                    }
                }
                else
                {
                    // Unknown kid: at most one forced refresh per interval, so random kids cannot hammer the issuer.
                    if ((fresh && loaded.Keys.ContainsKey(kid)) || now - lastForcedRefresh < MinimumRefreshInterval)
                    {
                        return loaded;
                    }

                    lastForcedRefresh = now;
                }
            }

            lastAttempt = now;
            try
            {
                var keys = await LoadAsync(now, cancellationToken);
                Volatile.Write(ref current, keys);
                logger.SigningKeysLoaded(metadataUrl, keys.Keys.Count, kid);
                return keys;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (loaded is null)
                {
                    throw new SigningKeysUnavailableException($"Signing keys from {metadataUrl} cannot be loaded.", ex);
                }

                logger.SigningKeysRefreshFailed(ex, metadataUrl);
                return loaded;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<SigningKeySet> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var http = httpClientFactory.CreateClient(TeamsServiceCollectionExtensions.AuthHttpClientName);
        var metadataJson = await http.GetStringAsync(metadataUrl, cancellationToken);
        var metadata = OpenIdConnectConfiguration.Create(metadataJson);
        if (!Uri.TryCreate(metadata.JwksUri, UriKind.Absolute, out var jwksUri)
            || (jwksUri.Scheme != Uri.UriSchemeHttps && !(jwksUri.Scheme == Uri.UriSchemeHttp && jwksUri.IsLoopback)))
        {
            throw new InvalidOperationException($"The metadata at {metadataUrl} has no usable jwks_uri.");
        }

        var jwksJson = await http.GetStringAsync(jwksUri, cancellationToken);
        var keySet = new JsonWebKeySet(jwksJson);
        var keys = keySet.Keys
            .Where(k => !string.IsNullOrEmpty(k.Kid))
            .GroupBy(k => k.Kid, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        if (keys.Count == 0)
        {
            throw new InvalidOperationException($"The key set at {jwksUri} has no keys with a kid.");
        }

        return new SigningKeySet(keys, ReadEndorsements(jwksJson), now);
    }

    /// <summary>Reads <c>keys[].endorsements</c>, which <see cref="JsonWebKeySet"/> does not model.</summary>
    private static FrozenDictionary<string, string[]> ReadEndorsements(string jwksJson)
    {
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(jwksJson);
        if (!document.RootElement.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
        {
            return result.ToFrozenDictionary(StringComparer.Ordinal);
        }

        foreach (var key in keys.EnumerateArray())
        {
            if (key.ValueKind == JsonValueKind.Object
                && key.TryGetProperty("kid", out var kid) && kid.ValueKind == JsonValueKind.String
                && key.TryGetProperty("endorsements", out var endorsements) && endorsements.ValueKind == JsonValueKind.Array)
            {
                result[kid.GetString()!] = [.. endorsements.EnumerateArray()
                    .Where(e => e.ValueKind == JsonValueKind.String)
                    .Select(e => e.GetString()!)];
            }
        }

        return result.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

/// <summary>No signing keys were ever loaded: tokens cannot be checked at all right now.</summary>
public sealed class SigningKeysUnavailableException : Exception
{
    public SigningKeysUnavailableException()
    {
    }

    public SigningKeysUnavailableException(string message)
        : base(message)
    {
    }

    public SigningKeysUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
