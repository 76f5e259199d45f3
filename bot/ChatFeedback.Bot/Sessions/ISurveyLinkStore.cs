namespace ChatFeedback.Bot.Sessions;

/// <summary>
/// A single-use invitation a customer follows into a conversation (Telegram <c>t.me/bot?start=TOKEN</c>): the token
/// is random and opaque, maps to the flow to start, and expires.
/// </summary>
/// <param name="Token">22 characters of base64url (16 random bytes): fits Telegram's 64-character start payload.</param>
/// <param name="FlowId">The flow the link starts, e.g. post-purchase-survey.</param>
/// <param name="OrderId">The purchase the survey is about, if any.</param>
/// <param name="CustomerId">The shop's customer id, if known.</param>
/// <param name="Locale">The customer's locale as the shop knows it, if any.</param>
/// <param name="ExpiresAt">After this the link is ignored.</param>
public sealed record SurveyLink(string Token, string FlowId, string? OrderId, string? CustomerId, string? Locale, DateTimeOffset ExpiresAt);

public interface ISurveyLinkStore
{
    /// <summary>Creates a link with a fresh random token.</summary>
    Task<SurveyLink> CreateAsync(string flowId, string? orderId, string? customerId, string? locale, TimeSpan lifetime, CancellationToken cancellationToken);

    /// <summary>
    /// Uses the link up: returns it the first time it is redeemed before it expires, and null when it is unknown,
    /// expired or already used (atomically, across instances).
    /// </summary>
    Task<SurveyLink?> RedeemAsync(string token, CancellationToken cancellationToken);
}
