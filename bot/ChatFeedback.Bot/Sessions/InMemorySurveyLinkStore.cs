using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ChatFeedback.Bot.Sessions;

/// <summary>The embedded default: links live in this process until redeemed or expired.</summary>
public sealed class InMemorySurveyLinkStore(TimeProvider timeProvider) : ISurveyLinkStore
{
    private readonly ConcurrentDictionary<string, SurveyLink> _links = new(StringComparer.Ordinal);

    public Task<SurveyLink> CreateAsync(string flowId, string? orderId, string? customerId, string? locale, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(flowId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        var now = timeProvider.GetUtcNow();
        foreach (var expired in _links.Where(pair => pair.Value.ExpiresAt <= now))
        {
            _links.TryRemove(expired);
        }

        var link = new SurveyLink(NewToken(), flowId, orderId, customerId, locale, now + lifetime);
        _links[link.Token] = link;
        return Task.FromResult(link);
    }

    public Task<SurveyLink?> RedeemAsync(string token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || !_links.TryRemove(token, out var link) || link.ExpiresAt <= timeProvider.GetUtcNow())
        {
            return Task.FromResult<SurveyLink?>(null);
        }

        return Task.FromResult<SurveyLink?>(link);
    }

    /// <summary>16 random bytes as base64url: unguessable, and only characters a deep-link payload allows.</summary>
    public static string NewToken() => Base64UrlEncode(RandomNumberGenerator.GetBytes(16));

    private static string Base64UrlEncode(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
