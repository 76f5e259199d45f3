using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Adapters.Teams;

/// <summary>
/// The connector hosts outbound calls (which carry the bot's token) may go to: those configured in
/// <c>Teams:AllowedServiceUrls</c> plus those seen in authenticated activities. Compared by scheme, host and port.
/// </summary>
public sealed class TeamsServiceUrlAllowList
{
    /// <summary>A bound on remembered hosts; Teams uses a handful, so hitting it means something is wrong.</summary>
    public const int MaxRemembered = 1000;

    private readonly ConcurrentDictionary<string, byte> hosts = new(StringComparer.Ordinal);

    public TeamsServiceUrlAllowList(IOptions<TeamsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var url in options.Value.EffectiveAllowedServiceUrls)
        {
            if (KeyOf(url) is { } key)
            {
                hosts.TryAdd(key, 0);
            }
        }
    }

    /// <summary>Remembers the host of a serviceUrl from an activity that passed authentication.</summary>
    public bool Remember(string serviceUrl)
    {
        var key = KeyOf(serviceUrl);
        return key is not null && (hosts.ContainsKey(key) || (hosts.Count < MaxRemembered && hosts.TryAdd(key, 0)));
    }

    public bool IsAllowed(string serviceUrl) => KeyOf(serviceUrl) is { } key && hosts.ContainsKey(key);

    /// <summary><c>scheme://host:port</c> in lower case, or null when <paramref name="url"/> is not an absolute http(s) URL.</summary>
    internal static string? KeyOf(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? $"{uri.Scheme}://{uri.IdnHost}:{uri.Port}".ToLowerInvariant()
            : null;

    internal static bool IsLoopback(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.IsLoopback;
}
