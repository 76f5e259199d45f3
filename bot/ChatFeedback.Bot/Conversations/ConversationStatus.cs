using ChatFeedback.Adapters;
using ChatFeedback.Bot.Records;
using ChatFeedback.Bot.Sessions;
using ChatFeedback.Dialogs;

namespace ChatFeedback.Bot.Conversations;

/// <summary>
/// What channels tell us about a conversation outside a turn: the customer blocked the bot, or the conversation
/// moved to a new id. Both change the stored session with the same optimistic concurrency as a turn, and the
/// customer's records too.
/// </summary>
public sealed class ConversationStatus(
    ISessionStore sessions,
    ICustomerRecords customers,
    DialogEngine engine,
    TimeProvider timeProvider,
    ILogger<ConversationStatus> logger)
{
    private const int MaxAttempts = 5;

    /// <summary>Records that the customer cannot or does not want to be contacted: nothing proactive goes to them again.</summary>
    public async Task MarkOptedOutAsync(ConversationAddress address, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        try
        {
            // The customer's opt-out (source: blocked), pending invitations and check-ins cancelled, the address marked gone.
            await customers.OptOutAsync(address, "blocked", reason, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The session below still stops everything proactive to this conversation; the records catch up on the next turn.
            logger.LogError(ex, "Could not record the opt-out of {ConversationKey} in the records store", address.Key);
        }

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var stored = await sessions.LoadAsync(address.Key, cancellationToken);
            if (stored is { OptedOut: true })
            {
                return;
            }

            var session = stored is null
                ? new StoredSession(engine.NewState(null), address, 0, true, timeProvider.GetUtcNow())
                : stored with { OptedOut = true, UpdatedAt = timeProvider.GetUtcNow() };
            if (await sessions.TrySaveAsync(address.Key, session, stored?.Version ?? 0, cancellationToken))
            {
                logger.LogInformation("Conversation {ConversationKey} marked opted out: {Reason}", address.Key, reason);
                return;
            }
        }

        logger.LogWarning("Could not mark {ConversationKey} opted out after {Attempts} conflicting saves", address.Key, MaxAttempts);
    }

    /// <summary>
    /// Moves the records (identity, pending invitations, cases, check-ins) and the session to the conversation's new id
    /// and returns the new address. Safe to repeat: a migration is reported both inbound and by a failed send.
    /// </summary>
    public async Task<ConversationAddress> MoveAsync(ConversationAddress address, string newConversationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        var moved = address with { ConversationId = newConversationId };
        try
        {
            await customers.MoveAsync(address, newConversationId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The session still moves, so the conversation goes on; a repeated signal moves the records later.
            logger.LogError(ex, "Could not move the records of {ConversationKey} to {NewConversationKey}", address.Key, moved.Key);
        }

        var stored = await sessions.LoadAsync(address.Key, cancellationToken);
        if (stored is not null)
        {
            // The old id never comes back. A session the new one already has (someone wrote there first) is kept.
            await sessions.TrySaveAsync(moved.Key, stored with { Address = moved, UpdatedAt = timeProvider.GetUtcNow() }, 0, cancellationToken);
            await sessions.DeleteAsync(address.Key, cancellationToken);
        }

        logger.LogInformation("Conversation {ConversationKey} moved to {NewConversationKey}", address.Key, moved.Key);
        return moved;
    }
}
