using ChatFeedback.Adapters;

namespace ChatFeedback.Bot.Records;

/// <summary>
/// What a turn needs to know about the customer behind a conversation, read once before the engine runs (and used
/// again when the turn is recorded, so the identity is not read twice).
/// </summary>
/// <param name="CustomerId">The customer the conversation belongs to.</param>
/// <param name="IdentityId">The conversation's channel identity row.</param>
/// <param name="Address">The address as last stored; a turn whose address differs refreshes it.</param>
/// <param name="IdentityLocale">The locale the channel last reported.</param>
/// <param name="LastSeenAt">When the customer last wrote in this conversation (to <see cref="CustomerRecords.LastSeenResolution"/>).</param>
/// <param name="UnreachableAt">Set when the channel said the conversation is gone; a message from it clears it.</param>
/// <param name="OptedOutAt">When the customer opted out; null = may be contacted.</param>
/// <param name="ConsentAskedAt">When the customer, opted out, was last asked whether to resume.</param>
/// <param name="HasLiveInvitations">The customer has invitations not yet expired: only then are answers matched to one.</param>
/// <param name="TimeZone">The customer's IANA time zone, when the shop gave one: a follow-up the turn asks for is planned in it.</param>
public sealed record CustomerSnapshot(
    Guid CustomerId,
    long IdentityId,
    ConversationAddress Address,
    string? IdentityLocale,
    DateTimeOffset LastSeenAt,
    DateTimeOffset? UnreachableAt,
    DateTimeOffset? OptedOutAt,
    DateTimeOffset? ConsentAskedAt,
    bool HasLiveInvitations,
    string? TimeZone)
{
    public bool OptedOut => OptedOutAt is not null;
}

/// <summary>Where and how to reach a customer proactively: the conversation they were last seen in that still works.</summary>
public sealed record CustomerContact(Guid CustomerId, ConversationAddress Address, string? Locale, string? TimeZone, bool OptedOut);

/// <summary>Customers, their channel identities and their consent.</summary>
public interface ICustomerRecords
{
    /// <summary>The customer behind a conversation, or null when it was never seen (one read).</summary>
    Task<CustomerSnapshot?> FindAsync(ConversationAddress address, CancellationToken cancellationToken);

    /// <summary>
    /// A deep link was redeemed in this conversation: it now belongs to the shop's customer
    /// <paramref name="externalCustomerId"/> (or the customer of <paramref name="externalOrderId"/>), created when
    /// unknown, and that order's invitation is tied to this conversation so the answers are linked to it.
    /// What the conversation's previous, anonymous customer recorded moves over.
    /// </summary>
    Task BindAsync(ConversationAddress address, string? externalCustomerId, string? externalOrderId, string? locale, CancellationToken cancellationToken);

    /// <summary>The conversation the customer was last seen in that is not known to be unreachable, or null.</summary>
    Task<CustomerContact?> FindContactAsync(Guid customerId, CancellationToken cancellationToken);

    /// <summary>
    /// Records an opt-out from outside a turn (<paramref name="how"/>: blocked, api…): the customer's time and source,
    /// their pending invitations skipped and scheduled check-ins cancelled. With <paramref name="unreachable"/> the
    /// conversation is also marked gone, so proactive sends skip it. False when the conversation has no customer.
    /// </summary>
    Task<bool> OptOutAsync(ConversationAddress address, string how, string? unreachable, CancellationToken cancellationToken);

    /// <summary>
    /// The channel replaced the conversation's id (a Telegram group upgraded to a supergroup): its identity, and the
    /// pending invitations, open cases and scheduled check-ins keyed by it, move to <paramref name="newConversationId"/>,
    /// with an audit entry. When the new id already has an identity (someone wrote there first), that one stays and
    /// the old one goes. Idempotent: false when there was nothing (left) to move.
    /// </summary>
    Task<bool> MoveAsync(ConversationAddress address, string newConversationId, CancellationToken cancellationToken);

    /// <summary>Erases the customer behind the conversation (see <see cref="RecordChanges.EraseAsync"/>); false when there is none.</summary>
    Task<bool> EraseAsync(ConversationAddress address, CancellationToken cancellationToken);
}
