using ChatFeedback.Bot.Api;
using ChatFeedback.Bot.Assessment;
using ChatFeedback.Bot.Records;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ChatFeedback.Bot.Cases;

/// <summary>An agent's response to the customer, recorded on the case's timeline.</summary>
public sealed record CaseRespondRequest(string? Note, string? Agent);

/// <summary>How the case was resolved; resolving schedules the follow-up check-in.</summary>
public sealed record CaseResolveRequest(string? Resolution, string? Agent);

/// <param name="CheckIn">The check-in resolving planned (resolve only; null when the case has no customer to ask).</param>
public sealed record CaseView(Guid Id, string Status, string Tier, DateTimeOffset RespondBy, DateTimeOffset HandleBy, DateTimeOffset? RespondedAt, DateTimeOffset? ResolvedAt, CheckInView? CheckIn);

public sealed record CheckInView(Guid Id, string Status, DateTimeOffset DueAt, DateTimeOffset Deadline);

/// <summary>A case with its routing, its decision records (oldest first; the last is current) and its timeline.</summary>
/// <param name="Grade">The latest decision's grade; null until the case is first assessed.</param>
public sealed record CaseDetailsView(
    Guid Id,
    string Status,
    string FlowId,
    string Category,
    string Severity,
    string? Grade,
    string? Scope,
    string Tier,
    DateTimeOffset OpenedAt,
    DateTimeOffset RespondBy,
    DateTimeOffset HandleBy,
    DateTimeOffset? RespondedAt,
    DateTimeOffset? ResolvedAt,
    string? Resolution,
    IReadOnlyList<DecisionView> Decisions,
    IReadOnlyList<CaseEventView> Events);

public sealed record CaseEventView(DateTimeOffset At, string Kind, string? Detail);

/// <summary><c>GET /api/cases/{id}</c>, <c>POST /api/cases/{id}/respond</c> and <c>/resolve</c> (API key).</summary>
public static class CaseEndpoints
{
    public const int MaxTextLength = 4000;
    public const int MaxAgentLength = 128;

    public static IEndpointRouteBuilder MapCases(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/cases").WithTags("Cases").RequireApiKey();
        group.MapGet("/{id:guid}", GetAsync).WithName("GetCase");
        group.MapPost("/{id:guid}/respond", RespondAsync).WithName("RespondToCase");
        group.MapPost("/{id:guid}/resolve", ResolveAsync).WithName("ResolveCase");
        return endpoints;
    }

    public static async Task<Results<Ok<CaseDetailsView>, ProblemHttpResult>> GetAsync(Guid id, IDbContextFactory<RecordsDbContext> contexts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        await using var db = contexts.CreateDbContext();
        var found = await db.Cases.AsNoTracking().Include(c => c.Events).FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (found is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Case not found", detail: $"No case {id}.");
        }

        var decisions = await db.CaseDecisions.AsNoTracking().Where(d => d.CaseId == id).OrderBy(d => d.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(new CaseDetailsView(
            found.Id,
            found.Status.ToString(),
            found.FlowId,
            found.Category,
            found.Severity,
            found.Grade,
            found.Scope,
            found.Tier.ToString(),
            found.OpenedAt,
            found.RespondBy,
            found.HandleBy,
            found.RespondedAt,
            found.ResolvedAt,
            found.Resolution,
            decisions.Select(DecisionView.Of).ToList(),
            found.Events.OrderBy(e => e.At).ThenBy(e => e.Id).Select(e => new CaseEventView(e.At, e.Kind, e.Detail)).ToList()));
    }

    public static Task<Results<Ok<CaseView>, ValidationProblem, ProblemHttpResult>> RespondAsync(
        Guid id, CaseRespondRequest request, CaseService cases, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(cases);
        return ChangeAsync(id, "note", request.Note, request.Agent, cases.RespondAsync, cancellationToken);
    }

    public static Task<Results<Ok<CaseView>, ValidationProblem, ProblemHttpResult>> ResolveAsync(
        Guid id, CaseResolveRequest request, CaseService cases, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(cases);
        return ChangeAsync(id, "resolution", request.Resolution, request.Agent, cases.ResolveAsync, cancellationToken);
    }

    private static async Task<Results<Ok<CaseView>, ValidationProblem, ProblemHttpResult>> ChangeAsync(
        Guid id, string field, string? text, string? agent, Func<Guid, string, string, CancellationToken, Task<CaseChangeResult>> change, CancellationToken cancellationToken)
    {
        if (Validate(field, text, agent) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return ToResult(id, await change(id, text!.Trim(), Actor(agent), cancellationToken));
    }

    private static Dictionary<string, string[]>? Validate(string field, string? text, string? agent)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text))
        {
            errors[field] = ["Required."];
        }
        else if (text.Length > MaxTextLength)
        {
            errors[field] = [$"At most {MaxTextLength} characters."];
        }

        if (agent is { Length: > MaxAgentLength })
        {
            errors["agent"] = [$"At most {MaxAgentLength} characters."];
        }

        return errors.Count > 0 ? errors : null;
    }

    private static string Actor(string? agent) => string.IsNullOrWhiteSpace(agent) ? "api" : $"api:{agent.Trim()}";

    private static Results<Ok<CaseView>, ValidationProblem, ProblemHttpResult> ToResult(Guid id, CaseChangeResult result) => result.Outcome switch
    {
        CaseChange.NotFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Case not found", detail: $"No case {id}."),
        CaseChange.AlreadyResolved => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Case already resolved", detail: $"Case {id} was resolved at {result.Case!.ResolvedAt:O}."),
        _ => TypedResults.Ok(View(result.Case!, result.CheckIn)),
    };

    private static CaseView View(Case c, CheckIn? checkIn) => new(
        c.Id,
        c.Status.ToString(),
        c.Tier.ToString(),
        c.RespondBy,
        c.HandleBy,
        c.RespondedAt,
        c.ResolvedAt,
        checkIn is null ? null : new CheckInView(checkIn.Id, checkIn.Status.ToString(), checkIn.DueAt, checkIn.Deadline));
}
