using ChatFeedback.Adapters;
using ChatFeedback.Bot.Sessions;
using Microsoft.EntityFrameworkCore;

namespace ChatFeedback.Bot.Records;

/// <summary><see cref="ICustomerRecords"/> over the records store; one short-lived context per call.</summary>
internal sealed partial class CustomerRecords(
    IDbContextFactory<RecordsDbContext> contexts,
    CustomerLookup lookup,
    ISessionStore sessions,
    TimeProvider timeProvider,
    ILogger<CustomerRecords> logger) : ICustomerRecords
{
    /// <summary>
    /// How stale a conversation's LastSeenAt may get before a turn writes it: the address is compared on every turn,
    /// but a conversation that only keeps talking costs no write for this.
    /// </summary>
    public static readonly TimeSpan LastSeenResolution = TimeSpan.FromMinutes(15);

    public Task<CustomerSnapshot?> FindAsync(ConversationAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        return lookup.FindAsync(address, timeProvider.GetUtcNow(), cancellationToken);
    }

    public async Task BindAsync(ConversationAddress address, string? externalCustomerId, string? externalOrderId, string? locale, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (externalCustomerId is null && externalOrderId is null)
        {
            return;
        }

        try
        {
            await BindOnceAsync(address, externalCustomerId, externalOrderId, locale, cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            // Another instance created the customer or the identity first: bind to what is there now.
            await BindOnceAsync(address, externalCustomerId, externalOrderId, locale, cancellationToken);
        }
    }

    private async Task BindOnceAsync(ConversationAddress address, string? externalCustomerId, string? externalOrderId, string? locale, CancellationToken cancellationToken)
    {
        var at = timeProvider.GetUtcNow();
        await using var db = contexts.CreateDbContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var order = externalOrderId is null
            ? null
            : await db.Orders.AsNoTracking().Where(o => o.ExternalOrderId == externalOrderId).Select(o => new { o.Id, o.CustomerId }).FirstOrDefaultAsync(cancellationToken);
        var customer = externalCustomerId is not null
            ? await db.Customers.FirstOrDefaultAsync(c => c.ExternalId == externalCustomerId, cancellationToken)
            : null;
        if (customer is null && order is not null)
        {
            customer = await db.Customers.FirstAsync(c => c.Id == order.CustomerId, cancellationToken);
        }

        var found = await db.FindIdentityAsync(address, cancellationToken);
        if (customer is null)
        {
            if (externalCustomerId is null)
            {
                return; // an order we do not know and no customer: nothing to bind to
            }

            if (found is { Customer.ExternalId: null } anonymous)
            {
                // The conversation's own customer only chatted so far: it becomes the shop's customer.
                customer = anonymous.Customer;
                customer.ExternalId = externalCustomerId;
                customer.Locale ??= locale;
                customer.UpdatedAt = at;
            }
            else
            {
                customer = new Customer { Id = Guid.CreateVersion7(at), ExternalId = externalCustomerId, Locale = locale, CreatedAt = at, UpdatedAt = at };
                db.Customers.Add(customer);
                db.Audit(at, nameof(Customer), customer.Id, "Created", address.ChannelId, "deep link");
            }
        }

        if (found is null)
        {
            db.ChannelIdentities.Add(RecordChanges.NewIdentity(customer.Id, address, null, at));
        }
        else if (found.Value.Identity.CustomerId != customer.Id)
        {
            await MoveToAsync(db, found.Value, customer, at, cancellationToken);
        }

        db.Audit(at, nameof(Customer), customer.Id, "Bound", address.ChannelId, "deep link");
        if (order is not null)
        {
            // Answers in this conversation are matched to this order's invitation first.
            await db.Invitations.Where(i => i.OrderId == order.Id)
                .ExecuteUpdateAsync(set => set.SetProperty(i => i.ConversationKey, address.Key).SetProperty(i => i.UpdatedAt, at), cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// The conversation belonged to another customer (usually one who only chatted before following the link): its
    /// identity moves, and when that customer was anonymous and has no other conversation, so does what it recorded.
    /// </summary>
    private static async Task MoveToAsync(RecordsDbContext db, (ChannelIdentity Identity, Customer Customer) from, Customer to, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var previous = from.Customer;
        from.Identity.CustomerId = to.Id;
        if (previous.ExternalId is not null || await db.ChannelIdentities.CountAsync(i => i.CustomerId == previous.Id, cancellationToken) > 1)
        {
            return;
        }

        await db.Responses.Where(r => r.CustomerId == previous.Id).ExecuteUpdateAsync(set => set.SetProperty(r => r.CustomerId, to.Id), cancellationToken);
        await db.Cases.Where(c => c.CustomerId == previous.Id).ExecuteUpdateAsync(set => set.SetProperty(c => c.CustomerId, to.Id), cancellationToken);
        await db.CheckIns.Where(c => c.CustomerId == previous.Id).ExecuteUpdateAsync(set => set.SetProperty(c => c.CustomerId, to.Id), cancellationToken);
        if (previous.OptedOutAt is not null && to.OptedOutAt is null)
        {
            // An opt-out is never lost by merging.
            to.OptedOutAt = previous.OptedOutAt;
            to.OptOutSource = previous.OptOutSource;
        }

        db.Customers.Remove(previous);
        db.Audit(at, nameof(Customer), previous.Id, "Merged", from.Identity.ChannelId, $"into {to.Id}");
    }

    public async Task<CustomerContact?> FindContactAsync(Guid customerId, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var row = await (
            from identity in db.ChannelIdentities.AsNoTracking()
            join customer in db.Customers on identity.CustomerId equals customer.Id
            where identity.CustomerId == customerId && identity.UnreachableAt == null
            orderby identity.LastSeenAt descending
            select new { identity, customer.Locale, customer.TimeZone, customer.OptedOutAt }).FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return null;
        }

        var i = row.identity;
        var address = new ConversationAddress(i.ChannelId, i.ConversationId, i.UserId, i.ServiceUrl, i.TenantId, i.IsGroup);
        return new CustomerContact(customerId, address, row.Locale ?? i.Locale, row.TimeZone, row.OptedOutAt is not null);
    }

    public async Task<bool> OptOutAsync(ConversationAddress address, string how, string? unreachable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        var at = timeProvider.GetUtcNow();
        await using var db = contexts.CreateDbContext();
        if (await db.FindIdentityAsync(address, cancellationToken) is not { } found)
        {
            return false;
        }

        if (unreachable is not null && found.Identity.UnreachableAt is null)
        {
            found.Identity.UnreachableAt = at;
            found.Identity.UnreachableReason = unreachable.Length > 512 ? unreachable[..512] : unreachable;
        }

        await db.OptOutAsync(found.Customer, at, $"{address.ChannelId}:{how}", address.ChannelId, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public async Task<bool> EraseAsync(ConversationAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        await using var db = contexts.CreateDbContext();
        if (await db.FindIdentityAsync(address, cancellationToken) is not { } found)
        {
            return false;
        }

        var keys = await db.EraseAsync(found.Customer.Id, timeProvider.GetUtcNow(), address.ChannelId, cancellationToken);
        await DeleteSessionsAsync(keys, cancellationToken);
        return true;
    }

    /// <summary>Forgets the sessions of an erased customer's conversations (a session holds the running flow's answers).</summary>
    internal async Task DeleteSessionsAsync(IEnumerable<string> conversationKeys, CancellationToken cancellationToken)
    {
        foreach (var key in conversationKeys)
        {
            await sessions.DeleteAsync(key, cancellationToken);
        }

        ErasedSessions(conversationKeys.Count());
    }

    [LoggerMessage(LogLevel.Information, "Erased a customer: {Conversations} conversation sessions deleted")]
    private partial void ErasedSessions(int conversations);
}
