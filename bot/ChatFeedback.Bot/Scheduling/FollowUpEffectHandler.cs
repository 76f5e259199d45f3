using ChatFeedback.Bot.Effects;
using ChatFeedback.Bot.Records;
using ChatFeedback.Dialogs;
using Microsoft.EntityFrameworkCore;

namespace ChatFeedback.Bot.Scheduling;

/// <summary>
/// Carries out <see cref="ScheduleFollowUp"/> (a detractor agreed to be contacted): a check-in at the flow's delay.
/// The case the same turn opened is found through the data it left (conversation key + message id); when there is
/// none the check-in stands alone. The customer is the one the turn's records found or created, else the one behind
/// the conversation's channel identity, created here when the records do not know it yet (the unique identity index settles a race with the records handler).
/// </summary>
internal sealed partial class FollowUpEffectHandler(ScheduledWork work, CheckInService checkIns, ILogger<FollowUpEffectHandler> logger) : IEffectHandler
{
    public async ValueTask HandleAsync(EffectContext context, DialogEffect effect, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (effect is not ScheduleFollowUp followUp)
        {
            return;
        }

        var address = context.Conversation;
        var checkIn = await work.RunAsync(
            async (db, changes, ct) =>
            {
                var now = work.Time.GetUtcNow();
                // The turn's records already know the customer (one query less); a turn without them does not.
                var customerId = context.CustomerId ?? await CustomerOfAsync(db, address, now, ct);
                var caseId = await db.Cases
                    .Where(c => c.ConversationKey == address.Key && c.SourceMessageId == context.MessageId)
                    .Select(c => (Guid?)c.Id)
                    .FirstOrDefaultAsync(ct);
                return await checkIns.PlanAsync(db, changes, $"follow-up:{address.Key}:{context.MessageId}", customerId, caseId, followUp.FlowId, now, followUp.After, ct);
            },
            cancellationToken);
        if (checkIn is not null)
        {
            Planned(checkIn.Id, address.Key, checkIn.Status, checkIn.DueAt, checkIn.CaseId);
        }
    }

    private static async Task<Guid> CustomerOfAsync(RecordsDbContext db, Adapters.ConversationAddress address, DateTimeOffset now, CancellationToken ct)
    {
        var known = await db.ChannelIdentities
            .Where(i => i.ChannelId == address.ChannelId && i.ConversationId == address.ConversationId)
            .Select(i => (Guid?)i.CustomerId)
            .FirstOrDefaultAsync(ct);
        if (known is { } id)
        {
            return id;
        }

        var customer = new Customer { Id = Guid.NewGuid(), CreatedAt = now, UpdatedAt = now };
        customer.Identities.Add(new ChannelIdentity
        {
            ChannelId = address.ChannelId,
            ConversationId = address.ConversationId,
            UserId = address.UserId,
            ServiceUrl = address.ServiceUrl,
            TenantId = address.TenantId,
            IsGroup = address.IsGroup,
            FirstSeenAt = now,
            LastSeenAt = now,
        });
        db.Customers.Add(customer);
        return customer.Id;
    }

    [LoggerMessage(LogLevel.Information, "Check-in {CheckInId} for {ConversationKey}: {Status}, due {DueAt} (case {CaseId})")]
    private partial void Planned(Guid checkInId, string conversationKey, CheckInStatus status, DateTimeOffset dueAt, Guid? caseId);
}
