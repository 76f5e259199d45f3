using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatFeedback.Adapters.Teams;

/// <summary>The outcome of checking a request's token, before and after the activity is known.</summary>
public enum TeamsAuthStatus
{
    /// <summary>A valid token from the Bot Framework channel service (iss <c>https://api.botframework.com</c>).</summary>
    Channel,

    /// <summary>A valid Entra-issued token (Emulator, Playground with credentials, skills).</summary>
    Entra,

    /// <summary>No token, accepted because the channel runs in anonymous development mode.</summary>
    Anonymous,

    /// <summary>Missing or invalid token, or a <c>serviceurl</c> claim that does not match: 401.</summary>
    Unauthorized,

    /// <summary>The signing key is not endorsed for the activity's channel: 403.</summary>
    Forbidden,

    /// <summary>No signing keys could ever be loaded: the token cannot be checked now (503).</summary>
    Unavailable,
}

/// <summary>What the token said; <see cref="Endorsements"/> and <see cref="ServiceUrl"/> are for the channel path.</summary>
public sealed record TeamsAuthResult(TeamsAuthStatus Status, string Detail, IReadOnlyList<string>? Endorsements = null, string? ServiceUrl = null)
{
    public bool IsAuthenticated => Status is TeamsAuthStatus.Channel or TeamsAuthStatus.Entra or TeamsAuthStatus.Anonymous;

    public static TeamsAuthResult Unauthorized(string detail) => new(TeamsAuthStatus.Unauthorized, detail);
}

/// <summary>
/// Authenticates Bot Connector requests as the Bot Framework SDKs do: the path is chosen by the token's unverified
/// <c>iss</c> (channel service or Entra), then signature (RS256/384/512 only, key by <c>kid</c>), exact issuer,
/// audience = App ID and lifetime with five minutes of skew are checked; once the activity is read, the channel path
/// also checks the <c>serviceurl</c> claim and the signing key's endorsements.
/// </summary>
public sealed class TeamsAuthenticator : IDisposable
{
    public const string ChannelIssuer = "https://api.botframework.com";

    /// <summary>Tenants whose Entra tokens the Bot Framework uses (v3.1, v3.2, and the one the Agents SDK lists as Copilot).</summary>
    public static readonly IReadOnlyList<string> BotFrameworkTenants =
    [
        "d6d49420-f39b-4df7-a1dc-d59a935871db",
        "f8cdef31-a31e-4b4a-93e4-5f571e91255a",
        "69e9b82d-4842-4902-8d1e-abc5b98a55e8",
    ];

    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private static readonly string[] AllowedAlgorithms =
        [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512];

    private readonly TeamsOptions options;
    private readonly TimeProvider timeProvider;
    private readonly ILogger<TeamsAuthenticator> logger;
    private readonly OpenIdKeySource channelKeys;
    private readonly OpenIdKeySource entraKeys;
    private readonly FrozenSet<string> entraIssuers;
    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };

    public TeamsAuthenticator(IOptions<TeamsOptions> options, IHttpClientFactory httpClientFactory, TimeProvider timeProvider, ILogger<TeamsAuthenticator> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value;
        this.timeProvider = timeProvider;
        this.logger = logger;
        channelKeys = new OpenIdKeySource(this.options.OpenIdMetadataUrl, httpClientFactory, timeProvider, logger);
        entraKeys = new OpenIdKeySource(this.options.EntraMetadataUrl, httpClientFactory, timeProvider, logger);

        var tenants = BotFrameworkTenants.ToList();
        if (this.options.AppType == TeamsAppType.SingleTenant && !string.IsNullOrWhiteSpace(this.options.TenantId))
        {
            tenants.Add(this.options.TenantId);
        }

        entraIssuers = tenants
            .SelectMany(t => new[] { $"https://sts.windows.net/{t}/", $"https://login.microsoftonline.com/{t}/v2.0" })
            .ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>Checks the <c>Authorization</c> header: scheme, token and the claims that do not need the activity.</summary>
    public async Task<TeamsAuthResult> AuthenticateAsync(string? authorization, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(authorization))
        {
            return options.Anonymous
                ? new TeamsAuthResult(TeamsAuthStatus.Anonymous, "anonymous development mode")
                : TeamsAuthResult.Unauthorized("The Authorization header is missing.");
        }

        // As the SDK's extractor: split on one space, scheme exactly "Bearer".
        var parts = authorization.Split(' ');
        if (parts.Length != 2 || !string.Equals(parts[0], "Bearer", StringComparison.Ordinal) || parts[1].Length == 0)
        {
            return TeamsAuthResult.Unauthorized("The Authorization header must be 'Bearer <token>'.");
        }

        if (options.Anonymous || string.IsNullOrWhiteSpace(options.AppId))
        {
            // A token sent to a bot without an App ID cannot be validated (no audience): reject, as the SDK does.
            return TeamsAuthResult.Unauthorized("A token was sent, but no Teams:AppId is configured to validate it against.");
        }

        JsonWebToken unverified;
        try
        {
            unverified = handler.ReadJsonWebToken(parts[1]);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException)
        {
            return TeamsAuthResult.Unauthorized("The bearer token is not a JWT.");
        }

        if (!AllowedAlgorithms.Contains(unverified.Alg, StringComparer.Ordinal))
        {
            return TeamsAuthResult.Unauthorized("The token's algorithm is not RS256, RS384 or RS512.");
        }

        if (string.IsNullOrEmpty(unverified.Kid))
        {
            return TeamsAuthResult.Unauthorized("The token has no key id.");
        }

        var issuer = unverified.Issuer;
        var channelPath = string.Equals(issuer, ChannelIssuer, StringComparison.Ordinal);
        if (!channelPath && !entraIssuers.Contains(issuer))
        {
            return TeamsAuthResult.Unauthorized("The token's issuer is not trusted.");
        }

        SigningKeySet keys;
        try
        {
            keys = await (channelPath ? channelKeys : entraKeys).GetForKeyAsync(unverified.Kid, cancellationToken);
        }
        catch (SigningKeysUnavailableException ex)
        {
            logger.SigningKeysUnavailable(ex, (channelPath ? channelKeys : entraKeys).MetadataUrl);
            return new TeamsAuthResult(TeamsAuthStatus.Unavailable, "The signing keys cannot be loaded now.");
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidateIssuer = true,
            ValidAudience = options.AppId,
            ValidateAudience = true,
            ValidAlgorithms = AllowedAlgorithms,
            IssuerSigningKeys = keys.Keys.Values,
            TryAllIssuerSigningKeys = false,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = ClockSkew,

            // The injected clock instead of the wall clock (the library's own TimeProvider hook is not public).
            LifetimeValidator = ValidateLifetime,
        };

        var result = await handler.ValidateTokenAsync(parts[1], parameters);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken token)
        {
            logger.TokenRejected(result.Exception?.GetType().Name ?? "invalid", issuer);
            return TeamsAuthResult.Unauthorized("The bearer token is not valid.");
        }

        if (channelPath)
        {
            token.TryGetPayloadValue<string>("serviceurl", out var serviceUrl);
            var endorsements = keys.Endorsements.TryGetValue(token.Kid, out var list) ? list : [];
            return new TeamsAuthResult(TeamsAuthStatus.Channel, "channel token", endorsements, serviceUrl);
        }

        // Entra path: the caller's app id is in appid (v1 tokens) or azp (v2 tokens) and must be this bot's.
        if (!token.TryGetPayloadValue<string>("ver", out var version) || string.IsNullOrEmpty(version))
        {
            return TeamsAuthResult.Unauthorized("The Entra token has no 'ver' claim.");
        }

        var appIdClaim = version switch
        {
            "1.0" => "appid",
            "2.0" => "azp",
            _ => null,
        };
        if (appIdClaim is null
            || !token.TryGetPayloadValue<string>(appIdClaim, out var callerAppId)
            || !string.Equals(callerAppId, options.AppId, StringComparison.OrdinalIgnoreCase))
        {
            return TeamsAuthResult.Unauthorized("The Entra token was not issued to this bot's App ID.");
        }

        return new TeamsAuthResult(TeamsAuthStatus.Entra, "entra token");
    }

    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        return expires is { } exp
            && exp.ToUniversalTime() + ClockSkew >= now
            && (notBefore is not { } nbf || nbf.ToUniversalTime() - ClockSkew <= now);
    }

    /// <summary>
    /// The channel path's checks that need the activity: the <c>serviceurl</c> claim must equal
    /// <c>activity.serviceUrl</c> (401), and the signing key must be endorsed for its <c>channelId</c> (403).
    /// </summary>
    public static TeamsAuthResult CheckActivity(TeamsAuthResult token, TeamsActivity activity)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(activity);
        if (token.Status != TeamsAuthStatus.Channel)
        {
            return token;
        }

        if (string.IsNullOrEmpty(token.ServiceUrl) || !string.Equals(token.ServiceUrl, activity.ServiceUrl, StringComparison.OrdinalIgnoreCase))
        {
            return TeamsAuthResult.Unauthorized("The token's serviceurl claim does not match the activity's serviceUrl.");
        }

        if (!string.IsNullOrEmpty(activity.ChannelId)
            && !(token.Endorsements ?? []).Contains(activity.ChannelId, StringComparer.Ordinal))
        {
            return new TeamsAuthResult(TeamsAuthStatus.Forbidden, "The signing key is not endorsed for this channel.");
        }

        return token;
    }

    public void Dispose()
    {
        channelKeys.Dispose();
        entraKeys.Dispose();
    }
}
