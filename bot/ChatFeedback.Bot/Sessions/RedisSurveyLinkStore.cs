using System.Text.Json;
using StackExchange.Redis;

namespace ChatFeedback.Bot.Sessions;

/// <summary>
/// Survey links shared by every instance: one JSON string per link at <see cref="RedisKeys.Link"/>, expiring with the
/// link. Redeeming is GETDEL, so exactly one instance gets a link however many race for it.
/// </summary>
public sealed class RedisSurveyLinkStore(IConnectionMultiplexer connection, RedisKeys keys, TimeProvider timeProvider) : ISurveyLinkStore
{
    public async Task<SurveyLink> CreateAsync(string flowId, string? orderId, string? customerId, string? locale, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(flowId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);

        var link = new SurveyLink(InMemorySurveyLinkStore.NewToken(), flowId, orderId, customerId, locale, timeProvider.GetUtcNow() + lifetime);
        var json = JsonSerializer.SerializeToUtf8Bytes(link, RedisJsonContext.Default.SurveyLink);
        // NX: a 128-bit random token never collides in practice, and if it did the older link must not be overwritten.
        var created = await connection.GetDatabase().StringSetAsync(keys.Link(link.Token), json, lifetime, When.NotExists).WaitAsync(cancellationToken);
        return created ? link : throw new InvalidOperationException("A freshly generated survey link token already exists.");
    }

    public async Task<SurveyLink?> RedeemAsync(string token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        var json = await connection.GetDatabase().StringGetDeleteAsync(keys.Link(token)).WaitAsync(cancellationToken);
        if (json.IsNull)
        {
            return null;
        }

        // Redis expires the key with the lifetime too; this check covers clock skew between instances and Redis.
        var link = JsonSerializer.Deserialize((byte[])json!, RedisJsonContext.Default.SurveyLink);
        return link is not null && link.ExpiresAt > timeProvider.GetUtcNow() ? link : null;
    }
}
