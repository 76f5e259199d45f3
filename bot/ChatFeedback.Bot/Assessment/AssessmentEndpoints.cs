using ChatFeedback.Assessment;
using ChatFeedback.Bot.Api;
using ChatFeedback.Bot.Cases;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatFeedback.Bot.Assessment;

/// <summary>An agent's or manager's correction of a case's grade, with the reason.</summary>
public sealed record GradeCorrectionRequest(string? Grade, string? Reason, string? Agent);

/// <summary><c>POST /api/cases/{id}/grade</c> (API key): correct a case's grade; recorded as a decision with source <c>agent</c>.</summary>
public static class AssessmentEndpoints
{
    public const int MaxReasonLength = 2000;

    public static IEndpointRouteBuilder MapAssessment(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/cases").WithTags("Cases").RequireApiKey();
        group.MapPost("/{id:guid}/grade", CorrectGradeAsync).WithName("CorrectCaseGrade");
        return endpoints;
    }

    public static async Task<Results<Ok<DecisionView>, ValidationProblem, ProblemHttpResult>> CorrectGradeAsync(
        Guid id, GradeCorrectionRequest request, CaseAssessor assessor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(assessor);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!Enum.TryParse<Grade>(request.Grade, ignoreCase: true, out var grade) || !Enum.IsDefined(grade) || int.TryParse(request.Grade, out _))
        {
            errors["grade"] = ["One of general, significant, major."];
        }

        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            errors["reason"] = ["Required: say why the grade is corrected."];
        }
        else if (request.Reason.Length > MaxReasonLength)
        {
            errors["reason"] = [$"At most {MaxReasonLength} characters."];
        }

        if (request.Agent is { Length: > CaseEndpoints.MaxAgentLength })
        {
            errors["agent"] = [$"At most {CaseEndpoints.MaxAgentLength} characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var actor = string.IsNullOrWhiteSpace(request.Agent) ? "api" : $"api:{request.Agent.Trim()}";
        var (outcome, decision) = await assessor.CorrectAsync(id, grade, request.Reason!.Trim(), actor, cancellationToken);
        return outcome switch
        {
            AssessOutcome.NotFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Case not found", detail: $"No case {id}."),
            AssessOutcome.Closed => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Case already resolved", detail: $"Case {id} is resolved; its grade can no longer be corrected."),
            _ => TypedResults.Ok(DecisionView.Of(decision!)),
        };
    }
}
