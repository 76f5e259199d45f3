using System.Globalization;
using ChatFeedback.Adapters.Teams;
using ChatFeedback.Adapters.Telegram;
using ChatFeedback.Adapters.WebChat;
using ChatFeedback.Bot.Records;
using ChatFeedback.Bot.Scheduling;
using ChatFeedback.Bot.Sessions;
using ChatFeedback.Dialogs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Purchases;

/// <summary>The outcome of recording a purchase: new, a replay of the same order, or a different order under a used id.</summary>
public sealed record PurchaseResult(PurchaseAccepted? Accepted, IReadOnlyList<string> Conflicts);

/// <summary>
/// Records a purchase event in one transaction — the customer (by the shop's id) and their channel identities, the
/// order with its items, the invitation and its trigger — and decides the invitation: scheduled at the policy's time,
/// skipped with a reason, or not reachable with a Telegram deep link. Idempotent by order id: the unique index on
/// the order id is the arbiter, so a concurrent duplicate loses the insert, reads the winner's rows and answers as
/// a replay.
/// </summary>
public sealed class PurchaseService(
    ScheduledWork work,
    ContactTimePolicy policy,
    ISurveyLinkStore links,
    FlowCatalog catalog,
    IOptions<InvitationOptions> options,
    IOptions<TelegramOptions> telegram)
{
    public Task<PurchaseResult> RecordAsync(PurchaseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return work.RunAsync((db, changes, ct) => RecordAsync(db, changes, request, ct), cancellationToken);
    }

    private async Task<PurchaseResult> RecordAsync(RecordsDbContext db, ScheduleChanges changes, PurchaseRequest request, CancellationToken ct)
    {
        var orderId = request.OrderId!;
        var existing = await db.Orders.Include(o => o.Items).FirstOrDefaultAsync(o => o.ExternalOrderId == orderId, ct);
        if (existing is not null)
        {
            return await ReplayAsync(db, existing, request, ct);
        }

        var now = work.Time.GetUtcNow();
        var customer = await UpsertCustomerAsync(db, request, now, ct);
        await RecordContactHintsAsync(db, customer.Id, request.Contact, now, ct);
        var order = new Order
        {
            Id = Guid.NewGuid(),
            ExternalOrderId = orderId,
            CustomerId = customer.Id,
            PurchasedAt = request.PurchasedAt!.Value.ToUniversalTime(),
            Amount = request.Amount,
            Currency = request.Currency,
            Store = request.Store,
            Region = request.Region,
            ReceivedAt = now,
        };
        order.Items.AddRange(request.Items!.Select(i => new OrderItem { Sku = i!.Sku!, Name = i.Name, Quantity = i.Quantity!.Value, UnitPrice = i.UnitPrice }));
        db.Orders.Add(order);
        AuditLog.Add(db, now, nameof(Order), order.Id, "Recorded", "api", orderId);

        var invitation = await DecideAsync(db, changes, customer, order, now, ct);
        db.Invitations.Add(invitation);
        AuditLog.Add(db, now, nameof(Invitation), invitation.Id, invitation.Status.ToString(), "api", invitation.SkipReason);
        return new PurchaseResult(new PurchaseAccepted(orderId, customer.Id, View(invitation), Replayed: false), []);
    }

    private async Task<Invitation> DecideAsync(RecordsDbContext db, ScheduleChanges changes, Customer customer, Order order, DateTimeOffset now, CancellationToken ct)
    {
        var settings = options.Value;
        var plan = policy.PlanInvitation(order.PurchasedAt, now, policy.ZoneOf(customer.TimeZone));
        var invitation = new Invitation
        {
            Id = Guid.NewGuid(),
            OrderId = order.Id,
            CustomerId = customer.Id,
            FlowId = settings.FlowId,
            Status = InvitationStatus.Scheduled,
            DueAt = plan.DueAt ?? plan.Deadline,
            ExpiresAt = plan.Deadline,
            CreatedAt = now,
            UpdatedAt = now,
        };

        if (customer.OptedOutAt is not null)
        {
            (invitation.Status, invitation.SkipReason) = (InvitationStatus.Skipped, InvitationService.OptedOut);
        }
        else if (plan.SkipReason is not null)
        {
            (invitation.Status, invitation.SkipReason) = (InvitationStatus.Skipped, plan.SkipReason);
        }
        else if (ProactiveSender.PickIdentity(customer.Identities) is null)
        {
            // Nobody to send to: the shop shows the customer a link that starts the survey, valid as long as the invitation.
            var lifetime = plan.Deadline - now > TimeSpan.FromMinutes(1) ? plan.Deadline - now : TimeSpan.FromMinutes(1);
            var link = await links.CreateAsync(settings.FlowId, order.ExternalOrderId, customer.ExternalId, customer.Locale, lifetime, ct);
            (invitation.Status, invitation.LinkToken) = (InvitationStatus.NotReachable, link.Token);
            changes.Schedule(ScheduledJobs.ExpireInvitation, invitation.Id, invitation.ExpiresAt);
        }
        else if (db.Entry(customer).State != EntityState.Added && await WithinFrequencyCapAsync(db, customer.Id, invitation.DueAt, ct))
        {
            (invitation.Status, invitation.SkipReason) = (InvitationStatus.Skipped, InvitationService.FrequencyCap);
        }
        else
        {
            changes.Schedule(ScheduledJobs.SendInvitation, invitation.Id, invitation.DueAt);
        }

        return invitation;
    }

    /// <summary>
    /// A survey already went out in the cap period before <paramref name="sendAt"/> (checked again when sending). Not
    /// asked for a customer this event creates, who has no invitations yet: one query fewer per first purchase.
    /// </summary>
    private Task<bool> WithinFrequencyCapAsync(RecordsDbContext db, Guid customerId, DateTimeOffset sendAt, CancellationToken ct)
    {
        var from = sendAt - options.Value.FrequencyCap;
        return db.Invitations.AnyAsync(i => i.CustomerId == customerId && i.SentAt != null && i.SentAt > from && i.SentAt <= sendAt, ct);
    }

    private async Task<Customer> UpsertCustomerAsync(RecordsDbContext db, PurchaseRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var customer = await db.Customers.Include(c => c.Identities).FirstOrDefaultAsync(c => c.ExternalId == request.CustomerId, ct);
        if (customer is null)
        {
            customer = new Customer { Id = Guid.NewGuid(), ExternalId = request.CustomerId, CreatedAt = now };
            db.Customers.Add(customer);
        }

        customer.Locale = request.Locale is { } locale ? catalog.ResolveLocale(locale) : customer.Locale;
        customer.TimeZone = request.TimeZone ?? customer.TimeZone;
        customer.Tier = request.CustomerTier?.ToLowerInvariant() ?? customer.Tier;
        customer.UpdatedAt = now;
        foreach (var claimed in IdentitiesOf(request.Channels))
        {
            // The shop vouches for this conversation being this customer's: a row another record held moves here.
            var identity = customer.Identities.FirstOrDefault(i => i.ChannelId == claimed.ChannelId && i.ConversationId == claimed.ConversationId)
                ?? await db.ChannelIdentities.FirstOrDefaultAsync(i => i.ChannelId == claimed.ChannelId && i.ConversationId == claimed.ConversationId, ct);
            if (identity is null)
            {
                identity = new ChannelIdentity { ChannelId = claimed.ChannelId, ConversationId = claimed.ConversationId, FirstSeenAt = now, LastSeenAt = now };
                customer.Identities.Add(identity);
            }
            else if (identity.CustomerId != customer.Id)
            {
                identity.CustomerId = customer.Id;
            }

            identity.UserId = claimed.UserId ?? identity.UserId;
            identity.ServiceUrl = claimed.ServiceUrl ?? identity.ServiceUrl;
            identity.TenantId = claimed.TenantId ?? identity.TenantId;
            identity.Locale ??= customer.Locale;
        }

        return customer;
    }

    /// <summary>
    /// Keeps the e-mail and phone the shop gave, once per customer and value: a hint given again is only marked as
    /// given again, so re-posting it (with this or a later order) never adds a row.
    /// </summary>
    private static async Task RecordContactHintsAsync(RecordsDbContext db, Guid customerId, PurchaseContact? contact, DateTimeOffset now, CancellationToken ct)
    {
        var given = HintsOf(contact).ToList();
        if (given.Count == 0)
        {
            return;
        }

        var known = await db.ContactHints.Where(h => h.CustomerId == customerId).ToListAsync(ct);
        var added = new List<string>();
        foreach (var (kind, value) in given)
        {
            if (known.FirstOrDefault(h => h.Kind == kind && h.Value == value) is { } hint)
            {
                hint.LastGivenAt = now;
                continue;
            }

            db.ContactHints.Add(new ContactHint { CustomerId = customerId, Kind = kind, Value = value, FirstGivenAt = now, LastGivenAt = now });
            added.Add(kind);
        }

        if (added.Count > 0)
        {
            // The kinds only: the addresses are personal data, which the audit trail never holds.
            AuditLog.Add(db, now, nameof(Customer), customerId, "ContactHintsAdded", "api", string.Join(", ", added));
        }
    }

    private static IEnumerable<(string Kind, string Value)> HintsOf(PurchaseContact? contact)
    {
        if (contact?.Email is { } email)
        {
            // The domain is case-insensitive, the local part is the mailbox's own business: only the domain is folded.
            var at = email.LastIndexOf('@');
            yield return (ContactHint.Email, string.Concat(email.AsSpan(0, at + 1), email[(at + 1)..].ToLowerInvariant()));
        }

        if (contact?.Phone is { } phone)
        {
            yield return (ContactHint.Phone, phone);
        }
    }

    private static IEnumerable<ChannelIdentity> IdentitiesOf(PurchaseChannels? channels)
    {
        if (channels?.Telegram?.ChatId is { } chatId)
        {
            var id = chatId.ToString(CultureInfo.InvariantCulture);
            yield return new ChannelIdentity { ChannelId = TelegramUpdateMapper.Channel, ConversationId = id, UserId = id, IsGroup = chatId < 0 };
        }

        if (channels?.MsTeams is { ConversationId: { } conversation } teams)
        {
            yield return new ChannelIdentity { ChannelId = TeamsActivityMapper.Channel, ConversationId = conversation, ServiceUrl = teams.ServiceUrl, TenantId = teams.TenantId, UserId = teams.UserId };
        }

        if (channels?.WebChat?.ConversationId is { } webChat)
        {
            yield return new ChannelIdentity { ChannelId = WebChatAdapter.Channel, ConversationId = webChat };
        }
    }

    private async Task<PurchaseResult> ReplayAsync(RecordsDbContext db, Order order, PurchaseRequest request, CancellationToken ct)
    {
        var customerId = await db.Customers.Where(c => c.Id == order.CustomerId).Select(c => c.ExternalId).FirstOrDefaultAsync(ct);
        var conflicts = Differences(order, customerId, request);
        if (conflicts.Count > 0)
        {
            return new PurchaseResult(null, conflicts);
        }

        var invitation = await db.Invitations.FirstAsync(i => i.OrderId == order.Id, ct);
        return new PurchaseResult(new PurchaseAccepted(order.ExternalOrderId, order.CustomerId, View(invitation), Replayed: true), []);
    }

    /// <summary>The fields in which <paramref name="request"/> is not the order recorded under its id.</summary>
    private static List<string> Differences(Order order, string? customerId, PurchaseRequest request)
    {
        var differences = new List<string>();
        if (!string.Equals(customerId, request.CustomerId, StringComparison.Ordinal))
        {
            differences.Add("customerId");
        }

        if (order.PurchasedAt.UtcTicks != request.PurchasedAt!.Value.UtcTicks)
        {
            differences.Add("purchasedAt");
        }

        if (order.Amount != request.Amount)
        {
            differences.Add("amount");
        }

        if (!string.Equals(order.Currency, request.Currency, StringComparison.Ordinal))
        {
            differences.Add("currency");
        }

        var recorded = order.Items.OrderBy(i => i.Id).Select(i => (i.Sku, i.Name, i.Quantity, i.UnitPrice));
        var sent = request.Items!.Select(i => (i!.Sku!, i.Name, i.Quantity!.Value, i.UnitPrice));
        if (!recorded.SequenceEqual(sent))
        {
            differences.Add("items");
        }

        return differences;
    }

    private InvitationView View(Invitation invitation) => new(
        invitation.Id,
        invitation.Status.ToString(),
        invitation.DueAt,
        invitation.ExpiresAt,
        invitation.SkipReason,
        invitation.LinkToken is { } token && telegram.Value.BotUsername is { Length: > 0 } bot ? $"https://t.me/{bot.TrimStart('@')}?start={token}" : null,
        invitation.LinkToken);
}
