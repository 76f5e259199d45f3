using ChatFeedback.Adapters;
using Microsoft.EntityFrameworkCore;

namespace ChatFeedback.Bot.Records;

// Moving a conversation to its new id (a Telegram group upgraded to a supergroup), kept apart from the per-turn reads.
internal sealed partial class CustomerRecords
{
    public async Task<bool> MoveAsync(ConversationAddress address, string newConversationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentException.ThrowIfNullOrEmpty(newConversationId);
        if (string.Equals(address.ConversationId, newConversationId, StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            return await MoveOnceAsync(address, newConversationId, cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            // The new conversation's first message created its identity between our read and our write: move onto it.
            return await MoveOnceAsync(address, newConversationId, cancellationToken);
        }
    }

    private async Task<bool> MoveOnceAsync(ConversationAddress address, string newConversationId, CancellationToken cancellationToken)
    {
        var at = timeProvider.GetUtcNow();
        var moved = address with { ConversationId = newConversationId };
        await using var db = contexts.CreateDbContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var from = await db.FindIdentityAsync(address, cancellationToken);
        var to = await db.FindIdentityAsync(moved, cancellationToken);
        var merged = false;
        if (from is { } old)
        {
            if (to is not { } current)
            {
                old.Identity.ConversationId = newConversationId;
            }
            else
            {
                // Someone wrote in the new conversation first. Its identity is the live address and stays; the old
                // one goes. A customer created there by that message has nothing of the shop's: it joins the old one.
                if (current.Customer.Id != old.Customer.Id && current.Customer.ExternalId is null)
                {
                    await MoveToAsync(db, current, old.Customer, at, cancellationToken);
                    merged = true;
                }

                db.ChannelIdentities.Remove(old.Identity);
            }
        }

        // What is still to happen in the conversation follows it; finished rows keep the key they happened under.
        var invitations = await db.Invitations
            .Where(i => i.ConversationKey == address.Key && RecordChanges.PendingInvitations.Contains(i.Status))
            .ExecuteUpdateAsync(set => set.SetProperty(i => i.ConversationKey, moved.Key).SetProperty(i => i.UpdatedAt, at), cancellationToken);
        var cases = await db.Cases
            .Where(c => c.ConversationKey == address.Key && (c.Status == CaseStatus.Open || c.Status == CaseStatus.Responded))
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.ConversationKey, moved.Key).SetProperty(c => c.UpdatedAt, at), cancellationToken);
        var checkIns = await db.CheckIns
            .Where(c => c.ConversationKey == address.Key && (c.Status == CheckInStatus.Scheduled || c.Status == CheckInStatus.Sent))
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.ConversationKey, moved.Key), cancellationToken);
        if (from is null && invitations + cases + checkIns == 0)
        {
            return false; // moved before (a repeated signal), or never seen: nothing is written
        }

        // Counts only: conversation ids are personal data, which the audit trail never holds.
        var identity = (from, to) switch
        {
            (null, _) => "no identity",
            (_, null) => "identity renamed",
            _ when merged => "identity replaced by the new conversation's, whose customer was merged in",
            _ => "identity replaced by the new conversation's",
        };
        db.Audit(
            at,
            nameof(ChannelIdentity),
            (to?.Identity ?? from?.Identity)?.Id ?? 0,
            "Moved",
            address.ChannelId,
            $"{identity}; {invitations} invitations, {cases} cases, {checkIns} check-ins re-keyed");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Moved(address.Key, moved.Key, invitations, cases, checkIns);
        return true;
    }

    [LoggerMessage(LogLevel.Information, "Records of {ConversationKey} moved to {NewConversationKey}: {Invitations} invitations, {Cases} cases, {CheckIns} check-ins re-keyed")]
    private partial void Moved(string conversationKey, string newConversationKey, int invitations, int cases, int checkIns);
}
