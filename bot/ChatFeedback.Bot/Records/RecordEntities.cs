namespace ChatFeedback.Bot.Records;

// The records store's rows. Plain classes tracked by EF Core; times are UTC DateTimeOffset, statuses are stored as
// their names so the tables read well in SQL. Nothing here knows a channel SDK.

/// <summary>A person the service talks to; created by a purchase event or by their first message.</summary>
public sealed class Customer
{
    public Guid Id { get; set; }

    /// <summary>The shop's customer id, when the shop told us (unique); null for people who only chatted.</summary>
    public string? ExternalId { get; set; }

    public string? Locale { get; set; }

    /// <summary>IANA time zone id (e.g. Asia/Shanghai) for quiet hours; null = the configured default.</summary>
    public string? TimeZone { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When the customer said stop (null = may be contacted); cleared only by an explicit yes.</summary>
    public DateTimeOffset? OptedOutAt { get; set; }

    /// <summary>Where the opt-out came from: a command on a channel, a blocked bot, an API call.</summary>
    public string? OptOutSource { get; set; }

    /// <summary>When an opted-out customer who wrote again was last asked whether to resume.</summary>
    public DateTimeOffset? ConsentAskedAt { get; set; }

    /// <summary>When the customer last said yes to messages again after an opt-out (null = never opted back in).</summary>
    public DateTimeOffset? OptedInAt { get; set; }

    /// <summary>Where that yes came from (the channel and how, e.g. <c>telegram:consent</c>).</summary>
    public string? OptInSource { get; set; }

    /// <summary>The shop's customer tier as last reported with a purchase (e.g. <c>vip</c>); null = none given.</summary>
    public string? Tier { get; set; }

    public List<ChannelIdentity> Identities { get; } = [];
}

/// <summary>
/// Where a customer can be reached on one channel: the full conversation reference (Telegram chat, Teams
/// conversation with its service URL and tenant, web chat conversation), refreshed on every inbound message.
/// </summary>
public sealed class ChannelIdentity
{
    public long Id { get; set; }

    public Guid CustomerId { get; set; }

    public string ChannelId { get; set; } = "";

    public string ConversationId { get; set; } = "";

    public string? UserId { get; set; }

    public string? ServiceUrl { get; set; }

    public string? TenantId { get; set; }

    public bool IsGroup { get; set; }

    public string? Locale { get; set; }

    public DateTimeOffset FirstSeenAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>Set when the channel said the conversation is gone (blocked, removed, not found); proactive sends skip it.</summary>
    public DateTimeOffset? UnreachableAt { get; set; }

    public string? UnreachableReason { get; set; }
}

/// <summary>
/// A way to reach a customer outside the chat channels (e-mail, phone), as the shop gave it with a purchase: one row
/// per customer, kind and value, so a hint given again only moves <see cref="LastGivenAt"/>. Kept, not sent to yet.
/// </summary>
public sealed class ContactHint
{
    public const string Email = "email";
    public const string Phone = "phone";

    public long Id { get; set; }

    public Guid CustomerId { get; set; }

    /// <summary><see cref="Email"/> or <see cref="Phone"/>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>The address as given (an e-mail's domain in lower case, a phone number in E.164 form).</summary>
    public string Value { get; set; } = "";

    public DateTimeOffset FirstGivenAt { get; set; }

    public DateTimeOffset LastGivenAt { get; set; }
}

/// <summary>A purchase as the shop reported it; one per order id.</summary>
public sealed class Order
{
    public Guid Id { get; set; }

    /// <summary>The shop's order id (unique): the idempotency key of <c>POST /api/purchases</c>.</summary>
    public string ExternalOrderId { get; set; } = "";

    public Guid CustomerId { get; set; }

    public DateTimeOffset PurchasedAt { get; set; }

    public decimal? Amount { get; set; }

    public string? Currency { get; set; }

    /// <summary>The store the purchase was made in, when the shop says (an analytics segment).</summary>
    public string? Store { get; set; }

    /// <summary>The store's region, when the shop says (an analytics segment).</summary>
    public string? Region { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public List<OrderItem> Items { get; } = [];
}

public sealed class OrderItem
{
    public long Id { get; set; }

    public Guid OrderId { get; set; }

    public string Sku { get; set; } = "";

    public string? Name { get; set; }

    public int Quantity { get; set; }

    public decimal? UnitPrice { get; set; }
}

public enum InvitationStatus
{
    Scheduled,
    Sent,
    Reminded,
    Answered,
    Expired,

    /// <summary>Not sent, with <see cref="Invitation.SkipReason"/> saying why (opted out, frequency cap, …).</summary>
    Skipped,

    /// <summary>No channel to send it on; the shop got a deep link to show the customer instead.</summary>
    NotReachable,
}

/// <summary>A survey invitation for one order (at most one per order).</summary>
public sealed class Invitation
{
    public Guid Id { get; set; }

    public Guid OrderId { get; set; }

    public Guid CustomerId { get; set; }

    public string FlowId { get; set; } = "";

    public InvitationStatus Status { get; set; }

    public string? SkipReason { get; set; }

    /// <summary>When it is to be sent (purchase + delay, moved out of quiet hours).</summary>
    public DateTimeOffset DueAt { get; set; }

    /// <summary>After this it is no longer sent, reminded or answerable as this invitation.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public DateTimeOffset? RemindedAt { get; set; }

    public DateTimeOffset? AnsweredAt { get; set; }

    /// <summary>The conversation it was sent to (channel conversation key), once sent.</summary>
    public string? ConversationKey { get; set; }

    /// <summary>The deep-link token handed to the shop when no channel was known.</summary>
    public string? LinkToken { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One answered (or skipped) step of a flow run; partial runs keep what was answered.</summary>
public sealed class SurveyResponse
{
    public long Id { get; set; }

    public Guid? CustomerId { get; set; }

    public Guid? InvitationId { get; set; }

    /// <summary>Channel conversation key (<c>telegram:123</c>).</summary>
    public string ConversationKey { get; set; } = "";

    public string ChannelId { get; set; } = "";

    /// <summary>The channel message that carried the answer: with the step, the key that stops a redelivery recording twice.</summary>
    public string MessageId { get; set; } = "";

    public string FlowId { get; set; } = "";

    public int FlowVersion { get; set; }

    /// <summary>When the flow run started: groups a run's answers.</summary>
    public DateTimeOffset? FlowStartedAt { get; set; }

    public string StepId { get; set; } = "";

    /// <summary>The question's kind (choice, rating, yesno, text); free text is what erasure removes. Null when skipped.</summary>
    public string? Kind { get; set; }

    /// <summary>The answer (choice value or free text); null when skipped.</summary>
    public string? Value { get; set; }

    public int? Score { get; set; }

    public string? Metric { get; set; }

    public string? Dimension { get; set; }

    public string? SkipReason { get; set; }

    public DateTimeOffset AnsweredAt { get; set; }
}

public enum CaseStatus
{
    Open,
    Responded,
    Resolved,
    Closed,
}

/// <summary>Who a case sits with; an SLA breach raises it one tier.</summary>
public enum CaseTier
{
    FrontLine,
    DepartmentLead,
    SeniorManagement,
}

/// <summary>A complaint or a detractor follow-up, with its SLA deadlines and timeline.</summary>
public sealed class Case
{
    public Guid Id { get; set; }

    public Guid? CustomerId { get; set; }

    public string ConversationKey { get; set; } = "";

    /// <summary>The channel message whose turn opened it: a redelivery never opens a second case.</summary>
    public string SourceMessageId { get; set; } = "";

    public string FlowId { get; set; } = "";

    public string Category { get; set; } = "";

    /// <summary>The severity name (Minor, Moderate, Severe): the flow's until the case is assessed, then the latest decision's.</summary>
    public string Severity { get; set; } = "";

    /// <summary>The latest decision's grade (General, Significant, Major); null until the case is first assessed.</summary>
    public string? Grade { get; set; }

    /// <summary>The latest decision's scope (Individual, Group, Widespread); null until the case is first assessed.</summary>
    public string? Scope { get; set; }

    public CaseTier Tier { get; set; }

    public CaseStatus Status { get; set; }

    public DateTimeOffset OpenedAt { get; set; }

    /// <summary>Respond-by deadline (opened + 24 h by default).</summary>
    public DateTimeOffset RespondBy { get; set; }

    /// <summary>Handle-by deadline (opened + 48 h by default).</summary>
    public DateTimeOffset HandleBy { get; set; }

    public DateTimeOffset? RespondedAt { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    public string? Resolution { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public List<CaseEvent> Events { get; } = [];
}

/// <summary>
/// One assessment of a case (rules, a language model, or an agent's correction): how serious, who must take it, and
/// why. Appended, never changed: the latest is the case's current grade, the rest its history. One per case and
/// trigger (the message or correction that caused it), so a redelivery never assesses twice.
/// </summary>
public sealed class CaseDecision
{
    public long Id { get; set; }

    public Guid CaseId { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>What caused it: <c>opened</c>, <c>message:&lt;channel message id&gt;</c>, <c>correction:&lt;id&gt;</c>.</summary>
    public string Trigger { get; set; } = "";

    public string Scope { get; set; } = "";

    public string Severity { get; set; } = "";

    public string Grade { get; set; } = "";

    public CaseTier Tier { get; set; }

    public string Category { get; set; } = "";

    /// <summary>Theme ids, comma-separated.</summary>
    public string Themes { get; set; } = "";

    /// <summary>−1 (very negative) … 1.</summary>
    public double Sentiment { get; set; }

    /// <summary>Flag names (safety, legal, churn, repeat, vip), comma-separated.</summary>
    public string Flags { get; set; } = "";

    /// <summary>A short explanation in the case's language.</summary>
    public string Rationale { get; set; } = "";

    public double Confidence { get; set; }

    /// <summary><c>rules</c>, <c>llm</c>, <c>rules-fallback</c> or <c>agent</c>.</summary>
    public string Source { get; set; } = "";

    /// <summary>The grade below which nothing may go (set by safety, legal and VIP rules).</summary>
    public string Floor { get; set; } = "";

    /// <summary>The language model asked, when one was (null for rules and agents).</summary>
    public string? Model { get; set; }

    /// <summary>The rules' or prompt's version the decision was made with.</summary>
    public string? PromptVersion { get; set; }

    public int LatencyMs { get; set; }

    /// <summary>Why the model's verdict was not used (timeout, error, invalid, circuit open, disabled).</summary>
    public string? FallbackReason { get; set; }

    /// <summary>The customer's text was cut to the configured limit before it was read.</summary>
    public bool Truncated { get; set; }

    /// <summary>The evidence: rule ids and what they matched, as JSON.</summary>
    public string? Evidence { get; set; }

    /// <summary>Who made it: <c>assessment</c>, or the agent who corrected the grade.</summary>
    public string Actor { get; set; } = "";

    /// <summary>The agent's reason for a correction.</summary>
    public string? Reason { get; set; }
}

/// <summary>One entry of a case's timeline (opened, responded, SLA breached, escalated, resolved, check-in …).</summary>
public sealed class CaseEvent
{
    public long Id { get; set; }

    public Guid CaseId { get; set; }

    public DateTimeOffset At { get; set; }

    public string Kind { get; set; } = "";

    public string? Detail { get; set; }
}

public enum CheckInStatus
{
    Scheduled,
    Sent,
    Answered,

    /// <summary>Its window passed without it being sent (downtime, unreachable); recorded on the case.</summary>
    Missed,
    Cancelled,
}

/// <summary>A follow-up conversation due within 72 hours of a resolved case or a detractor who agreed to be contacted.</summary>
public sealed class CheckIn
{
    public Guid Id { get; set; }

    public Guid CustomerId { get; set; }

    public Guid? CaseId { get; set; }

    public string FlowId { get; set; } = "";

    public CheckInStatus Status { get; set; }

    public DateTimeOffset DueAt { get; set; }

    /// <summary>The hard bound (72 h after the event); past it the check-in is missed, not sent late.</summary>
    public DateTimeOffset Deadline { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public string? ConversationKey { get; set; }

    public string? Note { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Who changed what, when: one row per state change of a record.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>The record's table name (Customer, Invitation, Case, …).</summary>
    public string Entity { get; set; } = "";

    public string EntityId { get; set; } = "";

    public string Action { get; set; } = "";

    /// <summary>Who or what made the change: a channel, an API key's name, a job.</summary>
    public string Actor { get; set; } = "";

    public string? Detail { get; set; }
}
