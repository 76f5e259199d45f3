using System.Text.Json;
using ChatFeedback.Assessment;
using ChatFeedback.Bot.Cases;
using ChatFeedback.Bot.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Assessment;

public enum AssessOutcome
{
    Decided,

    /// <summary>This case was already assessed for this trigger (a redelivery, a second instance): nothing was done.</summary>
    AlreadyAssessed,
    NotFound,

    /// <summary>The case is resolved or closed: its grade no longer routes anything.</summary>
    Closed,
}

/// <summary>A decision that was recorded, for whoever acts on it (the hand-off offers a person on a new major).</summary>
/// <param name="Previous">The case's grade before this decision (null on its first).</param>
public sealed record CaseDecided(Guid CaseId, string ConversationKey, Grade Grade, Grade? Previous, Tier Tier, string Source, Signals Flags);

/// <summary>Told about every recorded decision, after it committed; a failure is logged and does not undo it.</summary>
public interface IAssessmentListener
{
    ValueTask DecidedAsync(CaseDecided decided, CancellationToken cancellationToken);
}

/// <summary>
/// Assesses one case: gathers what the customer wrote and who they are from the records, runs the rules, asks the model
/// when one is active, settles the scope from similar cases in the window, and records the decision with the case's new
/// routing (grade, tier, a VIP's first-response deadline) in one transaction. A decision is made once per case and
/// trigger, whoever asks and however often.
/// </summary>
public sealed partial class CaseAssessor(
    IDbContextFactory<RecordsDbContext> contexts,
    AssessmentRulesSource rules,
    IOptions<AssessmentOptions> options,
    ModelAssessorSource models,
    IEnumerable<IAssessmentListener> listeners,
    TimeProvider timeProvider,
    ILogger<CaseAssessor> logger)
{
    public const string OpenedTrigger = "opened";
    public const string AssessedEvent = "Assessed";
    public const string GradeCorrectedEvent = "GradeCorrected";
    public const string Actor = "assessment";

    private static readonly JsonSerializerOptions EvidenceJson = new(JsonSerializerDefaults.Web);
    private readonly IAssessmentListener[] _listeners = listeners.ToArray();

    /// <summary>The trigger of a re-assessment caused by a new message from the customer.</summary>
    public static string MessageTrigger(string messageId) => $"message:{messageId}";

    /// <summary>Assesses <paramref name="caseId"/> for <paramref name="trigger"/> unless that was done before.</summary>
    public async Task<AssessOutcome> AssessAsync(Guid caseId, string trigger, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(trigger);
        var settings = options.Value;
        AssessmentInput input;
        Case @case;
        DateTimeOffset openedAt;
        await using (var db = contexts.CreateDbContext())
        {
            var found = await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == caseId, cancellationToken);
            if (found is null)
            {
                return AssessOutcome.NotFound;
            }

            if (found.Status is CaseStatus.Resolved or CaseStatus.Closed)
            {
                return AssessOutcome.Closed;
            }

            if (await db.CaseDecisions.AnyAsync(d => d.CaseId == caseId && d.Trigger == trigger, cancellationToken))
            {
                return AssessOutcome.AlreadyAssessed;
            }

            @case = found;
            openedAt = found.OpenedAt;
            input = await InputAsync(db, found, cancellationToken);
        }

        var started = timeProvider.GetTimestamp();
        var assessor = rules.Assessor;
        var findings = assessor.Analyze(input);
        var thresholds = new ScopeThresholds(settings.GroupThreshold, settings.WidespreadThreshold);
        SimilarCases similar;
        await using (var db = contexts.CreateDbContext())
        {
            similar = await SimilarAsync(db, @case, findings, openedAt - settings.SimilarWindow, cancellationToken);
        }

        Decision decision;
        ModelAttempt? attempt = null;
        var model = models.Assessor;
        if (model is not null)
        {
            attempt = await model.AssessAsync(input, cancellationToken);
            var rulesDecision = assessor.Decide(findings, similar, thresholds);
            decision = attempt.Verdict is { } verdict
                ? assessor.Combine(findings, verdict, similar, thresholds)
                : rulesDecision with { Source = AssessmentSources.RulesFallback, FallbackReason = attempt.FailureReason };

            // A rationale the model wrote in the wrong language was dropped: the rules' own, in the case's language, stands in.
            if (string.IsNullOrWhiteSpace(decision.Rationale))
            {
                decision = decision with { Rationale = rulesDecision.Rationale };
            }
        }
        else
        {
            decision = assessor.Decide(findings, similar, thresholds);
        }

        if (input.Customer.IsVip)
        {
            decision = decision with { Flags = decision.Flags | Signals.Vip };
        }

        var notes = attempt?.Notes ?? [];
        var row = new CaseDecision
        {
            CaseId = caseId,
            At = timeProvider.GetUtcNow(),
            Trigger = trigger,
            Scope = decision.Scope.ToString(),
            Severity = decision.Severity.ToString(),
            Grade = decision.Grade.ToString(),
            Category = Bounded(decision.Category, 64),
            Themes = Bounded(string.Join(',', decision.Themes), 512),
            Sentiment = Math.Clamp(decision.Sentiment, -1, 1),
            Flags = FlagNames(decision.Flags),
            Rationale = Bounded(decision.Rationale, 2048),
            Confidence = Math.Clamp(decision.Confidence, 0, 1),
            Source = decision.Source,
            Floor = decision.Floor.ToString(),
            Model = attempt is null ? null : model!.Model,
            PromptVersion = attempt is null ? $"rules@{assessor.Rules.Version}" : $"{model!.PromptVersion}+rules@{assessor.Rules.Version}",
            LatencyMs = (int)Math.Min(int.MaxValue, timeProvider.GetElapsedTime(started).TotalMilliseconds),
            FallbackReason = decision.FallbackReason is { } reason ? Bounded(reason, 512) : null,
            Truncated = decision.Truncated,
            Evidence = EvidenceOf(decision.Evidence, notes),
            Actor = Actor,
        };
        return await RecordAsync(row, ToTier(decision.Grade), null, cancellationToken);
    }

    /// <summary>An agent's or manager's correction of the grade: a decision with source <c>agent</c>, audited.</summary>
    public async Task<(AssessOutcome Outcome, CaseDecision? Decision)> CorrectAsync(Guid caseId, Grade grade, string reason, string actor, CancellationToken cancellationToken)
    {
        CaseDecision? latest;
        await using (var db = contexts.CreateDbContext())
        {
            var found = await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == caseId, cancellationToken);
            if (found is null)
            {
                return (AssessOutcome.NotFound, null);
            }

            if (found.Status is CaseStatus.Resolved or CaseStatus.Closed)
            {
                return (AssessOutcome.Closed, null);
            }

            latest = await db.CaseDecisions.AsNoTracking().Where(d => d.CaseId == caseId).OrderByDescending(d => d.Id).FirstOrDefaultAsync(cancellationToken);
            latest ??= new CaseDecision { Scope = found.Scope ?? nameof(Scope.Individual), Severity = found.Severity, Category = found.Category, Floor = nameof(Grade.General) };
        }

        var row = new CaseDecision
        {
            CaseId = caseId,
            At = timeProvider.GetUtcNow(),
            Trigger = $"correction:{Guid.NewGuid():N}",
            Scope = latest.Scope,
            Severity = latest.Severity,
            Grade = grade.ToString(),
            Category = latest.Category,
            Themes = latest.Themes,
            Sentiment = latest.Sentiment,
            Flags = latest.Flags,
            Rationale = Bounded(reason, 2048),
            Confidence = 1,
            Source = AssessmentSources.Agent,
            Floor = latest.Floor,
            Actor = Bounded(actor, 512),
            Reason = Bounded(reason, 2048),
        };
        var outcome = await RecordAsync(row, ToTier(grade), actor, cancellationToken);
        return (outcome, outcome == AssessOutcome.Decided ? row : null);
    }

    public static Tier ToTier(Grade grade) => grade switch
    {
        Grade.Major => Tier.SeniorManagement,
        Grade.Significant => Tier.DepartmentLead,
        _ => Tier.FrontLine,
    };

    /// <summary>
    /// Writes the decision and routes the case by it, in one transaction: the tier follows the grade, raised once for every
    /// SLA deadline the case already breached (a breach escalates one tier, whatever the grade); a VIP's case must be
    /// answered within <see cref="AssessmentOptions.VipRespondWithin"/>.
    /// </summary>
    private async Task<AssessOutcome> RecordAsync(CaseDecision row, Tier gradeTier, string? correctedBy, CancellationToken cancellationToken)
    {
        var now = row.At;
        Grade? previous;
        Case @case;
        await using (var db = contexts.CreateDbContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var found = await db.Cases.FirstOrDefaultAsync(c => c.Id == row.CaseId, cancellationToken);
            if (found is null)
            {
                return AssessOutcome.NotFound;
            }

            @case = found;
            previous = Enum.TryParse<Grade>(found.Grade, out var before) ? before : null;
            var breaches = await db.CaseEvents.CountAsync(e => e.CaseId == found.Id && e.Kind == SlaService.BreachEvent, cancellationToken);
            var tier = (CaseTier)gradeTier;
            for (var i = 0; i < breaches; i++)
            {
                tier = SlaService.Raise(tier);
            }

            var from = (found.Grade, found.Tier);
            row.Tier = tier;
            found.Grade = row.Grade;
            found.Scope = row.Scope;
            found.Severity = row.Severity;
            found.Tier = tier;
            found.UpdatedAt = now;
            if (row.Flags.Contains("vip", StringComparison.Ordinal) && found.RespondedAt is null)
            {
                var vipDeadline = found.OpenedAt + options.Value.VipRespondWithin;
                if (vipDeadline < found.RespondBy)
                {
                    found.RespondBy = vipDeadline;
                }
            }

            db.CaseDecisions.Add(row);
            var kind = correctedBy is null ? AssessedEvent : GradeCorrectedEvent;
            var detail = $"{row.Grade} ({row.Scope}, {row.Severity}), {tier}, {row.Source}";
            db.CaseEvents.Add(new CaseEvent { CaseId = found.Id, At = now, Kind = kind, Detail = correctedBy is null ? detail : $"{from.Grade ?? "unassessed"} -> {detail}: {row.Reason}" });
            db.Audit(now, nameof(Case), found.Id, kind, correctedBy ?? Actor, $"{from.Grade ?? "unassessed"}/{from.Tier} -> {row.Grade}/{tier} ({row.Source})");
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            catch (DbUpdateException ex) when (ex.IsUniqueViolation())
            {
                // Another instance (or a redelivery) recorded this trigger first; its decision stands.
                return AssessOutcome.AlreadyAssessed;
            }
        }

        Decided(row.CaseId, row.Grade, row.Tier, row.Source, row.LatencyMs, row.FallbackReason);
        var decided = new CaseDecided(row.CaseId, @case.ConversationKey, Enum.Parse<Grade>(row.Grade), previous, (Tier)(int)row.Tier, row.Source, ParseFlags(row.Flags));
        foreach (var listener in _listeners)
        {
            try
            {
                await listener.DecidedAsync(decided, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                ListenerFailed(ex, listener.GetType().Name, row.CaseId);
            }
        }

        return AssessOutcome.Decided;
    }

    /// <summary>
    /// The complaint as the assessment reads it: the customer's words in the run that opened the case (and any later
    /// messages the case collected), its answers, and who the customer is.
    /// </summary>
    private static async Task<AssessmentInput> InputAsync(RecordsDbContext db, Case @case, CancellationToken cancellationToken)
    {
        var source = @case.SourceMessageId.Split('#')[0];
        var runStart = await db.Responses.AsNoTracking()
            .Where(r => r.ConversationKey == @case.ConversationKey && r.MessageId == source)
            .Select(r => r.FlowStartedAt)
            .FirstOrDefaultAsync(cancellationToken);
        var answers = await db.Responses.AsNoTracking()
            .Where(r => r.ConversationKey == @case.ConversationKey && r.FlowId == @case.FlowId && r.Value != null
                && (runStart == null ? r.AnsweredAt <= @case.OpenedAt : r.FlowStartedAt == runStart))
            .OrderBy(r => r.Id)
            .Select(r => new { r.StepId, r.Kind, r.Value, r.Score, r.Metric, r.Dimension })
            .ToListAsync(cancellationToken);
        var text = string.Join("\n", answers.Where(a => a.Kind == RecordChanges.FreeTextKind).Select(a => a.Value));
        var facts = answers.Select(a => new AnswerFact(a.StepId, a.Value!, a.Score, a.Metric, a.Dimension)).ToList();

        Customer? customer = @case.CustomerId is { } id ? await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken) : null;
        var since = @case.OpenedAt - TimeSpan.FromDays(30);
        var recent = @case.CustomerId is { } customerId
            ? await db.Cases.CountAsync(c => c.CustomerId == customerId && c.Id != @case.Id && c.OpenedAt >= since && c.OpenedAt <= @case.OpenedAt, cancellationToken)
            : 0;
        var order = @case.CustomerId is { } buyer
            ? await db.Orders.AsNoTracking().Where(o => o.CustomerId == buyer && o.PurchasedAt <= @case.OpenedAt).OrderByDescending(o => o.PurchasedAt).Select(o => new { o.Amount }).FirstOrDefaultAsync(cancellationToken)
            : null;
        var channel = @case.ConversationKey.Split(':')[0];
        var locale = customer?.Locale ?? "en";
        var category = @case.Category is "" or "other" or "detractor" ? null : @case.Category;
        return new AssessmentInput(
            text,
            locale,
            facts,
            new CustomerContext(IsVip(customer?.Tier), channel, recent, order is not null, order?.Amount),
            category);
    }

    /// <summary>
    /// Distinct customers with a similar case (the same category, or a shared theme) decided in the window, this
    /// customer included: the evidence that a complaint is not one customer's alone.
    /// </summary>
    private static async Task<SimilarCases> SimilarAsync(RecordsDbContext db, Case @case, Findings findings, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var category = findings.Category is "" or "other" or "detractor" ? null : findings.Category;
        var themes = findings.Themes.Take(3).ToList();
        if (category is null && themes.Count == 0)
        {
            return new SimilarCases(1, 1);
        }

        var (t0, t1, t2) = (themes.ElementAtOrDefault(0), themes.ElementAtOrDefault(1), themes.ElementAtOrDefault(2));
        var similar = await db.CaseDecisions.AsNoTracking()
            .Where(d => d.At >= since && d.At <= @case.OpenedAt + TimeSpan.FromMinutes(5) && d.CaseId != @case.Id && d.Source != AssessmentSources.Agent)
            .Where(d => (category != null && d.Category == category)
                || (t0 != null && d.Themes.Contains(t0))
                || (t1 != null && d.Themes.Contains(t1))
                || (t2 != null && d.Themes.Contains(t2)))
            .Join(db.Cases, d => d.CaseId, c => c.Id, (d, c) => new { c.Id, c.CustomerId })
            .Distinct()
            .ToListAsync(cancellationToken);
        var customers = similar.Select(s => s.CustomerId).Where(c => c != @case.CustomerId).Distinct().Count();
        return new SimilarCases(similar.Select(s => s.Id).Distinct().Count() + 1, customers + 1);
    }

    public static bool IsVip(string? tier) => string.Equals(tier, "vip", StringComparison.OrdinalIgnoreCase);

    internal static string FlagNames(Signals flags) =>
        flags == Signals.None ? "" : string.Join(',', Enum.GetValues<Signals>().Where(f => f != Signals.None && flags.HasFlag(f)).Select(f => f.ToString().ToLowerInvariant()));

    public static Signals ParseFlags(string flags) =>
        flags.Split(',', StringSplitOptions.RemoveEmptyEntries).Aggregate(Signals.None, (all, f) => Enum.TryParse<Signals>(f, ignoreCase: true, out var one) ? all | one : all);

    private static string? EvidenceOf(IReadOnlyList<Evidence> evidence, IReadOnlyList<string> notes)
    {
        if (evidence.Count == 0 && notes.Count == 0)
        {
            return null;
        }

        var json = JsonSerializer.Serialize(new { rules = evidence.Select(e => new { rule = e.RuleId, matched = e.Matched }), notes }, EvidenceJson);
        return json.Length <= 8192 ? json : JsonSerializer.Serialize(new { rules = evidence.Take(20).Select(e => new { rule = e.RuleId, matched = e.Matched }), notes, cut = true }, EvidenceJson);
    }

    private static string Bounded(string value, int max) => value.Length <= max ? value : value[..max];

    [LoggerMessage(LogLevel.Debug, "Case {CaseId} assessed: {Grade}, {Tier}, {Source} in {LatencyMs} ms (fallback: {FallbackReason})")]
    private partial void Decided(Guid caseId, string grade, CaseTier tier, string source, int latencyMs, string? fallbackReason);

    [LoggerMessage(LogLevel.Error, "Assessment listener {Listener} failed for case {CaseId}")]
    private partial void ListenerFailed(Exception exception, string listener, Guid caseId);
}
