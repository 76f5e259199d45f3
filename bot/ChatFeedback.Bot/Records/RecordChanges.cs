using ChatFeedback.Adapters;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ChatFeedback.Bot.Records;

/// <summary>
/// State changes shared by the turn's records and the services: each adds its audit entries to the same context, so
/// one SaveChanges commits the change with its audit trail. None of them saves.
/// </summary>
internal static class RecordChanges
{
    public const string OptedOutReason = "opted out";

    /// <summary>Invitations still to be sent, reminded or answered: what an opt-out skips and a moved conversation takes along.</summary>
    internal static readonly InvitationStatus[] PendingInvitations =
        [InvitationStatus.Scheduled, InvitationStatus.Sent, InvitationStatus.Reminded, InvitationStatus.NotReachable];

    /// <summary>Appends one audit entry. Details never hold personal data (no names, ids from the shop, or answers).</summary>
    public static void Audit(this RecordsDbContext db, DateTimeOffset at, string entity, object entityId, string action, string actor, string? detail = null) =>
        db.AuditEntries.Add(AuditEntryFor(at, entity, entityId, action, actor, detail));

    /// <summary>The entry <see cref="Audit"/> appends, for a writer that does not go through a context.</summary>
    public static AuditEntry AuditEntryFor(DateTimeOffset at, string entity, object entityId, string action, string actor, string? detail = null) => new()
    {
        At = at,
        Entity = entity,
        EntityId = Convert.ToString(entityId, System.Globalization.CultureInfo.InvariantCulture) ?? "",
        Action = action,
        Actor = actor,
        Detail = detail,
    };

    /// <summary>The identity of a conversation with its customer, tracked; null when never seen.</summary>
    public static async Task<(ChannelIdentity Identity, Customer Customer)?> FindIdentityAsync(
        this RecordsDbContext db, ConversationAddress address, CancellationToken cancellationToken)
    {
        var found = await (
            from identity in db.ChannelIdentities
            join customer in db.Customers on identity.CustomerId equals customer.Id
            where identity.ChannelId == address.ChannelId && identity.ConversationId == address.ConversationId
            select new { identity, customer }).FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : (found.identity, found.customer);
    }

    /// <summary>A new customer reached through <paramref name="address"/>, with its first identity.</summary>
    public static (ChannelIdentity Identity, Customer Customer) AddCustomer(
        this RecordsDbContext db, ConversationAddress address, string? channelLocale, string? locale, DateTimeOffset at, string? externalId = null)
    {
        var customer = new Customer { Id = Guid.CreateVersion7(at), ExternalId = externalId, Locale = locale, CreatedAt = at, UpdatedAt = at };
        var identity = NewIdentity(customer.Id, address, channelLocale, at);
        customer.Identities.Add(identity);
        db.Customers.Add(customer);
        db.Audit(at, nameof(Customer), customer.Id, "Created", address.ChannelId);
        return (identity, customer);
    }

    public static ChannelIdentity NewIdentity(Guid customerId, ConversationAddress address, string? channelLocale, DateTimeOffset at)
    {
        var identity = new ChannelIdentity { CustomerId = customerId, ChannelId = address.ChannelId, ConversationId = address.ConversationId, FirstSeenAt = at };
        Refresh(identity, address, channelLocale, at);
        return identity;
    }

    /// <summary>Brings the stored address up to date with the one the customer just wrote from (a message proves it works).</summary>
    public static void Refresh(ChannelIdentity identity, ConversationAddress address, string? channelLocale, DateTimeOffset at)
    {
        identity.UserId = address.UserId;
        identity.ServiceUrl = address.ServiceUrl;
        identity.TenantId = address.TenantId;
        identity.IsGroup = address.IsGroup;
        identity.Locale = channelLocale ?? identity.Locale;
        identity.LastSeenAt = at;
        identity.UnreachableAt = null;
        identity.UnreachableReason = null;
    }

    /// <summary>
    /// The customer said stop (or blocked the bot): the time and source are kept (the first opt-out's, until they
    /// opt in again), every pending invitation is skipped and every scheduled check-in cancelled, so jobs that still
    /// fire find nothing to do.
    /// </summary>
    public static async Task OptOutAsync(this RecordsDbContext db, Customer customer, DateTimeOffset at, string source, string actor, CancellationToken cancellationToken)
    {
        if (customer.OptedOutAt is null)
        {
            customer.OptedOutAt = at;
            customer.OptOutSource = source;
            customer.UpdatedAt = at;
            db.Audit(at, nameof(Customer), customer.Id, "OptedOut", actor, source);
        }

        var invitations = await db.Invitations
            .Where(i => i.CustomerId == customer.Id && PendingInvitations.Contains(i.Status))
            .ToListAsync(cancellationToken);
        foreach (var invitation in invitations)
        {
            invitation.Status = InvitationStatus.Skipped;
            invitation.SkipReason = OptedOutReason;
            invitation.UpdatedAt = at;
            db.Audit(at, nameof(Invitation), invitation.Id, "Skipped", actor, OptedOutReason);
        }

        var checkIns = await db.CheckIns
            .Where(c => c.CustomerId == customer.Id && c.Status == CheckInStatus.Scheduled)
            .ToListAsync(cancellationToken);
        foreach (var checkIn in checkIns)
        {
            checkIn.Status = CheckInStatus.Cancelled;
            checkIn.Note = OptedOutReason;
            db.Audit(at, nameof(CheckIn), checkIn.Id, "Cancelled", actor, OptedOutReason);
        }
    }

    /// <summary>The customer, asked, said yes to messages again: only this clears an opt-out.</summary>
    public static void OptIn(this RecordsDbContext db, Customer customer, DateTimeOffset at, string source, string actor)
    {
        if (customer.OptedOutAt is null)
        {
            return;
        }

        customer.OptedOutAt = null;
        customer.OptOutSource = null;
        customer.OptedInAt = at;
        customer.OptInSource = source;
        customer.UpdatedAt = at;
        db.Audit(at, nameof(Customer), customer.Id, "OptedIn", actor, source);
    }

    /// <summary>
    /// Erases a customer: the customer row, identities, contact hints, orders (with items), invitations, check-ins and
    /// cases (with their timelines) are deleted. Survey responses are kept for analytics counts but anonymised: no
    /// customer, invitation or conversation key, and free-text answers removed (ratings and choices stay). The audit
    /// entry says what was erased, by counts only. Returns the erased conversation keys (their sessions go too).
    /// </summary>
    public static async Task<IReadOnlyList<string>> EraseAsync(this RecordsDbContext db, Guid customerId, DateTimeOffset at, string actor, CancellationToken cancellationToken)
    {
        // Several statements: one transaction, unless the caller holds one.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        var conversations = await db.ChannelIdentities.Where(i => i.CustomerId == customerId)
            .Select(i => new { i.ChannelId, i.ConversationId })
            .ToListAsync(cancellationToken);
        var keys = conversations.Select(c => new ConversationAddress(c.ChannelId, c.ConversationId).Key).ToList();

        // Anonymised in memory: each conversation gets its own random stand-in key, so (key, message, step) stays unique.
        var responses = await db.Responses.Where(r => r.CustomerId == customerId || keys.Contains(r.ConversationKey)).ToListAsync(cancellationToken);
        var standIns = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var response in responses)
        {
            if (!standIns.TryGetValue(response.ConversationKey, out var standIn))
            {
                standIns[response.ConversationKey] = standIn = $"erased:{Guid.NewGuid():N}";
            }

            response.ConversationKey = standIn;
            response.CustomerId = null;
            response.InvitationId = null;
            if (response.Kind == FreeTextKind)
            {
                response.Value = null;
            }
        }

        await db.SaveChangesAsync(cancellationToken);

        var cases = await db.Cases.Where(c => c.CustomerId == customerId || keys.Contains(c.ConversationKey)).ExecuteDeleteAsync(cancellationToken);
        await db.CheckIns.Where(c => c.CustomerId == customerId).ExecuteDeleteAsync(cancellationToken);
        var invitations = await db.Invitations.Where(i => i.CustomerId == customerId).ExecuteDeleteAsync(cancellationToken);
        await db.OrderItems.Where(i => db.Orders.Any(o => o.Id == i.OrderId && o.CustomerId == customerId)).ExecuteDeleteAsync(cancellationToken);
        var orders = await db.Orders.Where(o => o.CustomerId == customerId).ExecuteDeleteAsync(cancellationToken);
        var hints = await db.ContactHints.Where(h => h.CustomerId == customerId).ExecuteDeleteAsync(cancellationToken);
        await db.ChannelIdentities.Where(i => i.CustomerId == customerId).ExecuteDeleteAsync(cancellationToken);
        await db.Customers.Where(c => c.Id == customerId).ExecuteDeleteAsync(cancellationToken);

        db.Audit(
            at,
            nameof(Customer),
            customerId,
            "Erased",
            actor,
            $"{keys.Count} conversations, {hints} contact hints, {orders} orders, {invitations} invitations, {cases} cases deleted; {responses.Count} responses anonymised");
        await db.SaveChangesAsync(cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return keys;
    }

    /// <summary>The step kind of free-text answers (as <c>StepKind.Text</c> is stored): what erasure removes.</summary>
    public const string FreeTextKind = "text";

    /// <summary>A unique index refused a row: on both providers, what a redelivered message or a racing instance causes.</summary>
    public static bool IsUniqueViolation(this DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
