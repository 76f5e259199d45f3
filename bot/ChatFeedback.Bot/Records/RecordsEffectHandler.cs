using System.Globalization;
using ChatFeedback.Adapters;
using ChatFeedback.Dialogs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Records;

/// <summary>
/// Carries out the engine's effects that belong in the records: answers and skips become response rows, OpenCase a
/// case with its SLA deadlines, ScheduleFollowUp a check-in (linked to the case the same message opened; its trigger is
/// set once the row is committed, see <see cref="IFollowUpPlanner"/>), OptOut / OptIn the customer's consent, EraseData
/// the erasure; and every turn keeps the conversation's identity current. Unlike an <c>IEffectHandler</c>, it runs
/// inside the turn, before the session is saved, with all of the turn's effects at once: one context and one
/// SaveChanges, and a failure fails the turn.
/// </summary>
/// <remarks>
/// A redelivered message (its turn recorded but the session not saved, or a retry after a save conflict) hits the
/// unique keys, (conversation, message, step) for answers and (conversation, message) for cases, and the check-in's id,
/// which is made from the conversation and the message: the turn is then recorded again without what is already there.
/// That works the same on SQLite and PostgreSQL, and costs nothing on the usual path.
/// <para>
/// Most turns (a known customer answering, moving on, opening a case or asking for a follow-up, nothing else to record)
/// skip EF: their answer, case and check-in rows go to <see cref="AnswerWriter"/>, which commits them together with the
/// other turns running at that moment and skips a row already there. Everything else takes the path through EF
/// described above.
/// </para>
/// </remarks>
internal sealed partial class RecordsEffectHandler(
    IDbContextFactory<RecordsDbContext> contexts,
    CustomerRecords customers,
    AnswerWriter answerWriter,
    IOptions<CasesOptions> caseOptions,
    ILogger<RecordsEffectHandler> logger,
    IFollowUpPlanner? followUps = null) : ITurnRecords
{
    private const int MaxDetailLength = 4096;

    private static readonly InvitationStatus[] OpenInvitations = [InvitationStatus.Sent, InvitationStatus.Reminded, InvitationStatus.NotReachable];

    /// <summary>
    /// Grading is scope × severity; a case from one conversation has individual scope, so its severity decides:
    /// minor → front line, moderate → department lead, severe → senior management.
    /// </summary>
    public static CaseTier TierOf(Severity severity) => severity switch
    {
        Severity.Severe => CaseTier.SeniorManagement,
        Severity.Moderate => CaseTier.DepartmentLead,
        _ => CaseTier.FrontLine,
    };

    public async Task<Guid?> RecordAsync(TurnRecord turn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turn);
        if (turn.Customer is { } known && FitsFastPath(turn, known))
        {
            var rows = Answers(turn, known.CustomerId);
            var cases = new List<OpenedCase>();
            foreach (var open in turn.Turn.Effects.OfType<OpenCase>())
            {
                var @case = NewCase(turn, known.CustomerId, open, cases.Count);
                cases.Add(new OpenedCase(@case, OpenedAudit(@case, turn.Message.Conversation.ChannelId)));
            }

            var checkIn = FollowUpOf(turn) is { } followUp
                ? Plan(turn, followUp, known.CustomerId, cases.Count > 0 ? cases[0].Case.Id : null, known.TimeZone, known.OptedOut)
                : null;
            if (rows.Count > 0 || cases.Count > 0 || checkIn is not null)
            {
                var written = await answerWriter.WriteAsync(new TurnRows(rows, cases, checkIn is null ? [] : [checkIn]), cancellationToken);
                foreach (var @case in written.Cases)
                {
                    CaseOpened(@case.Id, @case.ConversationKey, @case.Category, @case.Severity, @case.Tier, @case.RespondBy);
                }

                foreach (var planned in written.CheckIns)
                {
                    await CommittedAsync(turn, planned, cancellationToken);
                }
            }

            return known.CustomerId;
        }

        try
        {
            return await RecordOnceAsync(turn, turn.Customer, redelivered: false, cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            RecordedBefore(turn.Message.MessageId, turn.Message.Conversation.Key);
            return await RecordOnceAsync(turn, null, redelivered: true, cancellationToken);
        }
    }

    private async Task<Guid?> RecordOnceAsync(TurnRecord turn, CustomerSnapshot? known, bool redelivered, CancellationToken cancellationToken)
    {
        var (address, at) = (turn.Message.Conversation, turn.At);
        var channel = address.ChannelId;
        await using var db = contexts.CreateDbContext();
        if (turn.Turn.Effects.Any(e => e is EraseData))
        {
            // Nothing else of this turn is kept: its one answer was the confirmation.
            if ((known?.CustomerId ?? (await db.FindIdentityAsync(address, cancellationToken))?.Customer.Id) is { } erased)
            {
                var keys = await db.EraseAsync(erased, at, channel, cancellationToken);
                await customers.DeleteSessionsAsync(keys.Where(k => k != address.Key), cancellationToken);
            }

            return null;
        }

        var subject = await AttachAsync(db, turn, known, cancellationToken);
        var answers = Answers(turn, subject.CustomerId);
        var opened = new List<Case>();
        foreach (var effect in turn.Turn.Effects)
        {
            switch (effect)
            {
                case OpenCase c:
                    opened.Add(NewCase(turn, subject.CustomerId, c, opened.Count));
                    break;
                case OptOut:
                    await db.OptOutAsync(await subject.CustomerAsync(cancellationToken), at, $"{channel}:command", channel, cancellationToken);
                    break;
                case OptIn:
                    db.OptIn(await subject.CustomerAsync(cancellationToken), at, $"{channel}:consent", channel);
                    break;
                case FlowStarted { FlowId: ConsentPrompt.FlowId }:
                    (await subject.CustomerAsync(cancellationToken)).ConsentAskedAt = at;
                    break;
            }
        }

        var firstCase = opened.FirstOrDefault()?.Id;
        if (redelivered)
        {
            await DropRecordedAsync(db, turn, answers, opened, cancellationToken);
        }

        db.Responses.AddRange(answers);
        foreach (var @case in opened)
        {
            db.Cases.Add(@case);
            db.AuditEntries.Add(OpenedAudit(@case, channel));
            CaseOpened(@case.Id, address.Key, @case.Category, @case.Severity, @case.Tier, @case.RespondBy);
        }

        var checkIn = FollowUpOf(turn) is { } followUp
            ? await PlanAsync(db, turn, followUp, subject, firstCase, redelivered, cancellationToken)
            : null;

        // Only customers with live invitations can be answering one: the rest (most turns) skip the query.
        if (answers.Count > 0 && (known?.HasLiveInvitations ?? true))
        {
            await LinkInvitationAsync(db, turn, subject.CustomerId, answers, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        if (checkIn is not null)
        {
            await CommittedAsync(turn, checkIn, cancellationToken);
        }

        return subject.CustomerId;
    }

    /// <summary>The follow-up the turn asks for: one check-in per message, so a second request in the same turn adds nothing.</summary>
    private static ScheduleFollowUp? FollowUpOf(TurnRecord turn) => turn.Turn.Effects.OfType<ScheduleFollowUp>().FirstOrDefault();

    private PlannedCheckIn Plan(TurnRecord turn, ScheduleFollowUp followUp, Guid customerId, Guid? caseId, string? timeZone, bool optedOut)
    {
        var planner = followUps ?? throw new InvalidOperationException("The turn asks for a follow-up, but no follow-up planner is registered (the scheduling services are missing).");
        var (address, at) = (turn.Message.Conversation, turn.At);
        return planner.Plan(new FollowUpRequest($"follow-up:{address.Key}:{turn.Message.MessageId}", customerId, caseId, followUp.FlowId, at, followUp.After, at, timeZone, optedOut));
    }

    /// <summary>
    /// Adds the check-in of the turn's follow-up to <paramref name="db"/>, linked to the case the same message opened
    /// (<paramref name="openedCase"/>, or on a redelivery the one an earlier delivery recorded); null when an earlier
    /// delivery recorded it.
    /// </summary>
    private async Task<PlannedCheckIn?> PlanAsync(
        RecordsDbContext db, TurnRecord turn, ScheduleFollowUp followUp, Subject subject, Guid? openedCase, bool redelivered, CancellationToken cancellationToken)
    {
        var (key, messageId) = (turn.Message.Conversation.Key, turn.Message.MessageId);
        var caseId = openedCase;
        if (redelivered)
        {
            caseId = await db.Cases.Where(c => c.ConversationKey == key && c.SourceMessageId == messageId).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(cancellationToken)
                ?? openedCase;
        }

        var customer = await subject.CustomerAsync(cancellationToken);
        var planned = Plan(turn, followUp, subject.CustomerId, caseId, customer.TimeZone, customer.OptedOutAt is not null);
        if (redelivered && await db.CheckIns.AnyAsync(c => c.Id == planned.CheckIn.Id, cancellationToken))
        {
            return null;
        }

        db.CheckIns.Add(planned.CheckIn);
        db.AuditEntries.Add(planned.Audit);
        if (planned.CaseEvent is { } caseEvent)
        {
            db.CaseEvents.Add(caseEvent);
        }

        return planned;
    }

    private async ValueTask CommittedAsync(TurnRecord turn, PlannedCheckIn planned, CancellationToken cancellationToken)
    {
        var checkIn = planned.CheckIn;
        CheckInPlanned(checkIn.Id, turn.Message.Conversation.Key, checkIn.Status, checkIn.DueAt, checkIn.CaseId);
        await followUps!.CommittedAsync(planned, cancellationToken);
    }

    /// <summary>
    /// The common turn, which <see cref="AnswerWriter"/> commits with the turns running beside it: a known customer whose
    /// identity needs no write, no invitation an answer could be matched to, and no effect for the records but answers,
    /// opened cases and a follow-up (the effects the EF path handles besides those are the ones listed here).
    /// </summary>
    internal static bool FitsFastPath(TurnRecord turn, CustomerSnapshot known)
    {
        foreach (var effect in turn.Turn.Effects)
        {
            if (effect is EraseData or OptOut or OptIn or FlowStarted { FlowId: ConsentPrompt.FlowId }
                || (known.HasLiveInvitations && effect is AnswerRecorded or AnswerSkipped))
            {
                return false;
            }
        }

        var (address, locale, at) = (turn.Message.Conversation, turn.Message.Locale, turn.At);
        return turn.Message.Kind == InboundKind.Scheduled
            || !IsStale(known.Address, known.IdentityLocale, known.LastSeenAt, known.UnreachableAt, address, locale, at);
    }

    private static List<SurveyResponse> Answers(TurnRecord turn, Guid customerId)
    {
        var answers = new List<SurveyResponse>();
        foreach (var effect in turn.Turn.Effects)
        {
            if (effect is AnswerRecorded a)
            {
                answers.Add(NewResponse(turn, customerId, a.FlowId, a.FlowVersion, a.StepId, KindName(a.Kind), a.Value, a.Score, a.Metric, a.Dimension, null));
            }
            else if (effect is AnswerSkipped s)
            {
                answers.Add(NewResponse(turn, customerId, s.FlowId, s.FlowVersion, s.StepId, null, null, null, null, null, s.Reason));
            }
        }

        return answers;
    }

    /// <summary>
    /// The conversation's customer, with its identity brought up to date. From a snapshot nothing is read again: the
    /// identity is attached as it was read and only what changed is written.
    /// </summary>
    private static async Task<Subject> AttachAsync(RecordsDbContext db, TurnRecord turn, CustomerSnapshot? known, CancellationToken cancellationToken)
    {
        var (address, at, locale) = (turn.Message.Conversation, turn.At, turn.Message.Locale);

        // Only the customer's own messages prove an address works; a turn the service started proves nothing.
        var seen = turn.Message.Kind != InboundKind.Scheduled;
        if (known is not null)
        {
            if (seen && IsStale(known.Address, known.IdentityLocale, known.LastSeenAt, known.UnreachableAt, address, locale, at))
            {
                var identity = new ChannelIdentity
                {
                    Id = known.IdentityId,
                    CustomerId = known.CustomerId,
                    ChannelId = address.ChannelId,
                    ConversationId = address.ConversationId,
                    UserId = known.Address.UserId,
                    ServiceUrl = known.Address.ServiceUrl,
                    TenantId = known.Address.TenantId,
                    IsGroup = known.Address.IsGroup,
                    Locale = known.IdentityLocale,
                    LastSeenAt = known.LastSeenAt,
                    UnreachableAt = known.UnreachableAt,
                    UnreachableReason = known.UnreachableAt is null ? null : "(as stored)",
                };
                db.ChannelIdentities.Attach(identity);
                RecordChanges.Refresh(identity, address, locale, at);
            }

            return new Subject(db, known.CustomerId, null);
        }

        if (await db.FindIdentityAsync(address, cancellationToken) is { } hit)
        {
            var (found, customer) = hit;
            var stored = new ConversationAddress(found.ChannelId, found.ConversationId, found.UserId, found.ServiceUrl, found.TenantId, found.IsGroup);
            if (seen && IsStale(stored, found.Locale, found.LastSeenAt, found.UnreachableAt, address, locale, at))
            {
                RecordChanges.Refresh(found, address, locale, at);
            }

            return new Subject(db, customer.Id, customer);
        }

        var (_, created) = db.AddCustomer(address, locale, turn.Turn.State.Locale, at);
        if (turn.SessionOptedOut)
        {
            // A session that said stop before the records knew the customer: the opt-out carries over.
            await db.OptOutAsync(created, at, $"{address.ChannelId}:session", address.ChannelId, cancellationToken);
        }

        return new Subject(db, created.Id, created);
    }

    private static bool IsStale(ConversationAddress stored, string? storedLocale, DateTimeOffset lastSeenAt, DateTimeOffset? unreachableAt, ConversationAddress address, string? locale, DateTimeOffset at) =>
        stored != address
        || (locale is not null && locale != storedLocale)
        || unreachableAt is not null
        || at - lastSeenAt >= CustomerRecords.LastSeenResolution;

    /// <summary>
    /// The customer's open invitation for this flow (sent, reminded, or not reachable and followed by a link; not
    /// expired) is answered by the first answer, and every answer of the run is linked to it. The invitation tied to
    /// this conversation (sent here, or its deep link opened here) comes first.
    /// </summary>
    private static async Task LinkInvitationAsync(RecordsDbContext db, TurnRecord turn, Guid customerId, List<SurveyResponse> answers, CancellationToken cancellationToken)
    {
        var (key, at) = (turn.Message.Conversation.Key, turn.At);
        foreach (var run in answers.GroupBy(a => a.FlowId, StringComparer.Ordinal))
        {
            var flowId = run.Key;
            var runStart = run.First().FlowStartedAt ?? at;
            var invitation = await db.Invitations
                .Where(i => i.CustomerId == customerId && i.FlowId == flowId
                    && ((OpenInvitations.Contains(i.Status) && i.ExpiresAt > at) || (i.Status == InvitationStatus.Answered && i.AnsweredAt >= runStart)))
                .OrderByDescending(i => i.ConversationKey == key)
                .ThenByDescending(i => i.CreatedAt)
                .FirstOrDefaultAsync(cancellationToken);
            if (invitation is null)
            {
                continue;
            }

            if (invitation.Status != InvitationStatus.Answered)
            {
                invitation.Status = InvitationStatus.Answered;
                invitation.AnsweredAt = at;
                invitation.ConversationKey ??= key;
                invitation.UpdatedAt = at;
                db.Audit(at, nameof(Invitation), invitation.Id, "Answered", turn.Message.Conversation.ChannelId);
            }

            foreach (var answer in run)
            {
                answer.InvitationId = invitation.Id;
            }
        }
    }

    /// <summary>Leaves out the answers and cases a previous delivery of this message already recorded.</summary>
    private static async Task DropRecordedAsync(RecordsDbContext db, TurnRecord turn, List<SurveyResponse> answers, List<Case> opened, CancellationToken cancellationToken)
    {
        var (key, messageId) = (turn.Message.Conversation.Key, turn.Message.MessageId);
        if (answers.Count > 0)
        {
            var steps = await db.Responses.Where(r => r.ConversationKey == key && r.MessageId == messageId).Select(r => r.StepId).ToListAsync(cancellationToken);
            answers.RemoveAll(a => steps.Contains(a.StepId));
        }

        if (opened.Count > 0)
        {
            var sources = opened.Select(c => c.SourceMessageId).ToList();
            var recorded = await db.Cases.Where(c => c.ConversationKey == key && sources.Contains(c.SourceMessageId)).Select(c => c.SourceMessageId).ToListAsync(cancellationToken);
            opened.RemoveAll(c => recorded.Contains(c.SourceMessageId));
        }
    }

    private static SurveyResponse NewResponse(
        TurnRecord turn, Guid customerId, string flowId, int flowVersion, string stepId, string? kind, string? value, int? score, string? metric, string? dimension, string? skipReason) => new()
        {
            CustomerId = customerId,
            ConversationKey = turn.Message.Conversation.Key,
            ChannelId = turn.Message.Conversation.ChannelId,
            MessageId = turn.Message.MessageId,
            FlowId = flowId,
            FlowVersion = flowVersion,
            FlowStartedAt = RunStart(turn, flowId),
            StepId = stepId,
            Kind = kind,
            Value = value,
            Score = score,
            Metric = metric,
            Dimension = dimension,
            SkipReason = skipReason,
            AnsweredAt = turn.At,
        };

    /// <summary>When the run the answer belongs to started: it groups a run's answers.</summary>
    private static DateTimeOffset? RunStart(TurnRecord turn, string flowId) =>
        turn.Before.FlowId == flowId ? turn.Before.StartedAt
        : turn.Turn.State.FlowId == flowId ? turn.Turn.State.StartedAt
        : null;

    private Case NewCase(TurnRecord turn, Guid customerId, OpenCase open, int index)
    {
        var (at, messageId, options) = (turn.At, turn.Message.MessageId, caseOptions.Value);
        var @case = new Case
        {
            Id = Guid.CreateVersion7(at),
            CustomerId = customerId,
            ConversationKey = turn.Message.Conversation.Key,

            // A turn that opens two cases keys the second apart, so a redelivery still matches both.
            SourceMessageId = index == 0 ? messageId : $"{messageId}#{(index + 1).ToString(CultureInfo.InvariantCulture)}",
            FlowId = open.FlowId,
            Category = open.Category,
            Severity = open.Severity.ToString(),
            Tier = TierOf(open.Severity),
            Status = CaseStatus.Open,
            OpenedAt = at,
            RespondBy = at + options.RespondWithin,
            HandleBy = at + options.HandleWithin,
            UpdatedAt = at,
        };

        // The agent's context: what the customer answered in the flow that opened it.
        var detail = $"from {open.FlowId}: " + string.Join("; ", open.Answers.Select(a => $"{a.StepId} = {a.Value}"));
        @case.Events.Add(new CaseEvent { At = at, Kind = "Opened", Detail = detail.Length > MaxDetailLength ? detail[..MaxDetailLength] : detail });
        return @case;
    }

    private static AuditEntry OpenedAudit(Case @case, string channel) =>
        RecordChanges.AuditEntryFor(@case.OpenedAt, nameof(Case), @case.Id, "Opened", channel, $"{@case.Category}, {@case.Severity}, {@case.Tier}");

    private static string KindName(StepKind kind) => kind switch
    {
        StepKind.Choice => "choice",
        StepKind.Rating => "rating",
        StepKind.YesNo => "yesno",
        StepKind.Text => RecordChanges.FreeTextKind,
        _ => "other",
    };

    [LoggerMessage(LogLevel.Debug, "Message {MessageId} in {ConversationKey} was recorded before; recording only what is missing")]
    private partial void RecordedBefore(string messageId, string conversationKey);

    [LoggerMessage(LogLevel.Debug, "Check-in {CheckInId} for {ConversationKey}: {Status}, due {DueAt} (case {CaseId})")]
    private partial void CheckInPlanned(Guid checkInId, string conversationKey, CheckInStatus status, DateTimeOffset dueAt, Guid? caseId);

    [LoggerMessage(LogLevel.Debug, "Case {CaseId} opened in {ConversationKey}: {Category}, {Severity}, {Tier}, respond by {RespondBy}")]
    private partial void CaseOpened(Guid caseId, string conversationKey, string category, string severity, CaseTier tier, DateTimeOffset respondBy);

    /// <summary>The turn's customer: its id always, the row only when a change needs it (read once, then tracked).</summary>
    private sealed class Subject(RecordsDbContext db, Guid customerId, Customer? customer)
    {
        private Customer? _customer = customer;

        public Guid CustomerId => customerId;

        public async ValueTask<Customer> CustomerAsync(CancellationToken cancellationToken) =>
            _customer ??= await db.Customers.FirstAsync(c => c.Id == customerId, cancellationToken);
    }
}
