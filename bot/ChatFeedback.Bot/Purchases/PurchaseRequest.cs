namespace ChatFeedback.Bot.Purchases;

// The body of POST /api/purchases. Everything is nullable so that a missing or wrong field is reported with every
// other one, by path, rather than failing the JSON binding on the first.

/// <summary>A purchase the shop reports: who bought what, when, and where the customer can be reached.</summary>
/// <param name="OrderId">The shop's order id: the idempotency key (the same order again gets the same answer).</param>
/// <param name="CustomerId">The shop's customer id: the customer record is found or created by it.</param>
/// <param name="Channels">Where the customer can be reached, by channel (any subset).</param>
/// <param name="Contact">Contact hints (e-mail, phone) the shop has; kept on the customer (erased with it), not used for sending yet.</param>
/// <param name="Locale">en or zh-CN (others fall back to the flows' default).</param>
/// <param name="TimeZone">IANA zone (Asia/Shanghai) for quiet hours; default <c>Invitations:DefaultTimeZone</c>.</param>
/// <param name="PurchasedAt">When the purchase happened (ISO 8601 with offset).</param>
/// <param name="CustomerTier">The shop's tier for the customer (e.g. <c>vip</c>, <c>regular</c>): a VIP's complaint is answered sooner and graded at least significant.</param>
/// <param name="Store">The store the purchase was made in (an analytics segment).</param>
/// <param name="Region">The store's region (an analytics segment).</param>
public sealed record PurchaseRequest(
    string? OrderId,
    string? CustomerId,
    PurchaseChannels? Channels,
    PurchaseContact? Contact,
    string? Locale,
    string? TimeZone,
    IReadOnlyList<PurchaseItem?>? Items,
    decimal? Amount,
    string? Currency,
    DateTimeOffset? PurchasedAt,
    string? CustomerTier = null,
    string? Store = null,
    string? Region = null);

/// <summary>The customer's channel identities: <c>{"telegram":{"chatId":123}}</c>, <c>{"msteams":{…}}</c>, <c>{"webchat":{…}}</c>.</summary>
public sealed record PurchaseChannels(TelegramIdentity? Telegram, TeamsIdentity? MsTeams, WebChatIdentity? WebChat);

/// <summary>A private chat with the bot (the chat id equals the user's id).</summary>
public sealed record TelegramIdentity(long? ChatId);

/// <summary>A Teams conversation reference, as the bot received it from the Bot Connector.</summary>
public sealed record TeamsIdentity(string? ConversationId, string? ServiceUrl, string? TenantId, string? UserId);

public sealed record WebChatIdentity(string? ConversationId);

public sealed record PurchaseContact(string? Email, string? Phone);

public sealed record PurchaseItem(string? Sku, string? Name, int? Quantity, decimal? UnitPrice);

/// <summary>The answer: the order's invitation, and whether this call was a replay of one already recorded.</summary>
public sealed record PurchaseAccepted(string OrderId, Guid CustomerId, InvitationView Invitation, bool Replayed);

/// <param name="Status">Scheduled, Skipped (see SkipReason), NotReachable (see DeepLink), or where it has got to since.</param>
/// <param name="DeepLink">For NotReachable: <c>https://t.me/BOT?start=TOKEN</c> to show on the receipt (needs <c>Telegram:BotUsername</c>).</param>
/// <param name="LinkToken">The deep link's opaque, single-use token, expiring with the invitation.</param>
public sealed record InvitationView(Guid Id, string Status, DateTimeOffset DueAt, DateTimeOffset ExpiresAt, string? SkipReason, string? DeepLink, string? LinkToken);
