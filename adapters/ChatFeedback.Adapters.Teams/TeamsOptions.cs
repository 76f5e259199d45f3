using Microsoft.Extensions.Options;

namespace ChatFeedback.Adapters.Teams;

/// <summary>How the bot's app registration authenticates (the SDK's <c>MicrosoftAppType</c>).</summary>
public enum TeamsAppType
{
    /// <summary>Legacy multi-tenant app: outbound tokens from the <c>botframework.com</c> tenant.</summary>
    MultiTenant,

    /// <summary>Single-tenant app: outbound tokens from <see cref="TeamsOptions.TenantId"/>.</summary>
    SingleTenant,

    /// <summary>User-assigned managed identity: not supported yet (rejected at start-up).</summary>
    UserAssignedMSI,
}

/// <summary>Settings of the Microsoft Teams (Bot Connector) channel, bound from the <c>Teams</c> section.</summary>
public sealed class TeamsOptions
{
    public const string SectionName = "Teams";

    /// <summary>The default Bot Connector host outbound calls may go to without having been seen first.</summary>
    public const string DefaultServiceUrl = "https://smba.trafficmanager.net/";

    /// <summary>The bot's Microsoft App ID (the Azure Bot's app registration). Empty = the channel is off, unless anonymous.</summary>
    public string? AppId { get; set; }

    /// <summary>The app registration's client secret.</summary>
    public string? AppPassword { get; set; }

    public TeamsAppType AppType { get; set; } = TeamsAppType.SingleTenant;

    /// <summary>The app registration's tenant; required for <see cref="TeamsAppType.SingleTenant"/>.</summary>
    public string? TenantId { get; set; }

    /// <summary>
    /// Development only (Agents Playground): with no <see cref="AppId"/>, accept requests without a token and call the
    /// connector without one. A request that carries a token is still rejected.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>OpenID metadata of the Bot Framework channel tokens (issuer <c>https://api.botframework.com</c>).</summary>
    public Uri OpenIdMetadataUrl { get; set; } = new("https://login.botframework.com/v1/.well-known/openidconfiguration");

    /// <summary>OpenID metadata of Entra-issued tokens (Emulator, Playground with credentials, future ABS tokens).</summary>
    public Uri EntraMetadataUrl { get; set; } = new("https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration");

    /// <summary>Where outbound tokens come from; the tenant (<c>botframework.com</c> or <see cref="TenantId"/>) is appended.</summary>
    public Uri TokenAuthority { get; set; } = new("https://login.microsoftonline.com");

    /// <summary>The scope of outbound tokens; must end in <c>/.default</c>.</summary>
    public string TokenScope { get; set; } = "https://api.botframework.com/.default";

    /// <summary>
    /// Connector hosts outbound calls may go to besides those seen in validated activities. Null means
    /// <see cref="DefaultServiceUrl"/>; set it to replace that default (e.g. add the GCC host).
    /// </summary>
    public IList<string>? AllowedServiceUrls { get; set; }

    /// <summary>Largest activity accepted, in bytes; bigger bodies get 413.</summary>
    public int MaxBodyBytes { get; set; } = 256 * 1024;

    /// <summary>Sends per second into one conversation (Teams: 7 per second per thread).</summary>
    public double PerConversationPerSecond { get; set; } = 7;

    /// <summary>Sends allowed at once into one conversation.</summary>
    public int PerConversationBurst { get; set; } = 7;

    /// <summary>Sends per minute into one group chat or channel (Teams: 1800 per hour per thread).</summary>
    public double PerGroupPerMinute { get; set; } = 30;

    /// <summary>Sends per second across all conversations (Teams: about 50 per app per tenant; keep a margin).</summary>
    public double GlobalPerSecond { get; set; } = 40;

    /// <summary>Sends allowed at once across all conversations.</summary>
    public int GlobalBurst { get; set; } = 40;

    /// <summary>Anonymous development mode: no App ID, and explicitly allowed.</summary>
    public bool Anonymous => AllowAnonymous && string.IsNullOrWhiteSpace(AppId);

    /// <summary>Whether the channel is on at all.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(AppId) || AllowAnonymous;

    /// <summary>The tenant outbound tokens are requested from.</summary>
    public string TokenTenant => AppType == TeamsAppType.SingleTenant ? TenantId ?? string.Empty : "botframework.com";

    public IReadOnlyList<string> EffectiveAllowedServiceUrls => AllowedServiceUrls is null ? [DefaultServiceUrl] : [.. AllowedServiceUrls];

    public ChannelRateLimits ToRateLimits() =>
        new(PerConversationPerSecond, PerConversationBurst, PerGroupPerMinute, GlobalPerSecond, GlobalBurst);
}

/// <summary>Checks <see cref="TeamsOptions"/> at start-up; every message names the configuration key.</summary>
public sealed class TeamsOptionsValidator : IValidateOptions<TeamsOptions>
{
    public ValidateOptionsResult Validate(string? name, TeamsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string Section = TeamsOptions.SectionName;
        var hasAppId = !string.IsNullOrWhiteSpace(options.AppId);

        if (!Enum.IsDefined(options.AppType))
        {
            failures.Add($"{Section}:AppType must be MultiTenant or SingleTenant.");
        }
        else if (options.AppType == TeamsAppType.UserAssignedMSI)
        {
            failures.Add($"{Section}:AppType UserAssignedMSI is not supported yet; use SingleTenant (or MultiTenant) with {Section}:AppPassword.");
        }

        if (options.AllowAnonymous && hasAppId)
        {
            failures.Add($"{Section}:AllowAnonymous must be false when {Section}:AppId is set: a configured bot always requires tokens.");
        }

        if (hasAppId)
        {
            if (!Guid.TryParse(options.AppId, out _))
            {
                failures.Add($"{Section}:AppId must be the app registration's client id (a GUID).");
            }

            // Never echo the secret.
            if (string.IsNullOrWhiteSpace(options.AppPassword))
            {
                failures.Add($"{Section}:AppPassword is required when {Section}:AppId is set (the app registration's client secret).");
            }

            if (options.AppType == TeamsAppType.SingleTenant && string.IsNullOrWhiteSpace(options.TenantId))
            {
                failures.Add($"{Section}:TenantId is required when {Section}:AppType is SingleTenant (the app registration's directory id).");
            }
        }

        CheckUrl(failures, $"{Section}:OpenIdMetadataUrl", options.OpenIdMetadataUrl);
        CheckUrl(failures, $"{Section}:EntraMetadataUrl", options.EntraMetadataUrl);
        if (options.TokenAuthority is not { IsAbsoluteUri: true } authority || authority.Scheme != Uri.UriSchemeHttps)
        {
            failures.Add($"{Section}:TokenAuthority must be an absolute https URL such as https://login.microsoftonline.com.");
        }

        if (string.IsNullOrWhiteSpace(options.TokenScope) || !options.TokenScope.EndsWith("/.default", StringComparison.Ordinal))
        {
            failures.Add($"{Section}:TokenScope must end in /.default, e.g. https://api.botframework.com/.default.");
        }

        for (var i = 0; i < options.EffectiveAllowedServiceUrls.Count; i++)
        {
            var value = options.EffectiveAllowedServiceUrls[i];
            if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && !(url.Scheme == Uri.UriSchemeHttp && url.IsLoopback)))
            {
                failures.Add($"{Section}:AllowedServiceUrls:{i} must be an absolute https URL (http only for loopback); was '{value}'.");
            }
        }

        if (options.MaxBodyBytes is < 1024 or > 10 * 1024 * 1024)
        {
            failures.Add($"{Section}:MaxBodyBytes must be between 1024 and 10485760 (was {options.MaxBodyBytes}).");
        }

        AddIfNegative(failures, $"{Section}:PerConversationPerSecond", options.PerConversationPerSecond);
        AddIfNegative(failures, $"{Section}:PerConversationBurst", options.PerConversationBurst);
        AddIfNegative(failures, $"{Section}:PerGroupPerMinute", options.PerGroupPerMinute);
        AddIfNegative(failures, $"{Section}:GlobalPerSecond", options.GlobalPerSecond);
        AddIfNegative(failures, $"{Section}:GlobalBurst", options.GlobalBurst);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Metadata must come over https; http is allowed for loopback test doubles only.</summary>
    private static void CheckUrl(List<string> failures, string key, Uri? url)
    {
        if (url is not { IsAbsoluteUri: true } || (url.Scheme != Uri.UriSchemeHttps && !(url.Scheme == Uri.UriSchemeHttp && url.IsLoopback)))
        {
            failures.Add($"{key} must be an absolute https URL (http only for loopback).");
        }
    }

    private static void AddIfNegative(List<string> failures, string key, double value)
    {
        if (double.IsNaN(value) || value < 0)
        {
            failures.Add($"{key} must be zero (unlimited) or more (was {value}).");
        }
    }
}
