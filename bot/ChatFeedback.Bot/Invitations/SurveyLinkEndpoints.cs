using ChatFeedback.Bot.Api;
using ChatFeedback.Bot.Sessions;
using ChatFeedback.Dialogs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatFeedback.Bot.Invitations;

/// <summary>A shop asks for a single-use link that starts a survey when the customer follows it.</summary>
/// <param name="FlowId">The flow to start; default post-purchase-survey.</param>
/// <param name="LifetimeHours">How long the link works; 1 to 168, default 48.</param>
public sealed record SurveyLinkRequest(string? FlowId, string? OrderId, string? CustomerId, string? Locale, int? LifetimeHours);

/// <param name="Token">The opaque token: Telegram's <c>t.me/BOT?start=TOKEN</c> payload.</param>
public sealed record SurveyLinkResponse(string Token, string FlowId, DateTimeOffset ExpiresAt);

/// <summary><c>POST /api/survey-links</c> (API key): creates a single-use, expiring link into a flow.</summary>
public static class SurveyLinkEndpoints
{
    public const string DefaultFlow = "post-purchase-survey";
    public const int MaxLifetimeHours = 168;
    public const int MaxIdLength = 128;

    public static IEndpointRouteBuilder MapSurveyLinks(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/survey-links").WithTags("Survey links").RequireApiKey();
        group.MapPost("/", CreateAsync).WithName("CreateSurveyLink");
        return endpoints;
    }

    public static async Task<Results<Created<SurveyLinkResponse>, ValidationProblem>> CreateAsync(
        SurveyLinkRequest request, FlowCatalog catalog, ISurveyLinkStore links, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(links);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var flowId = request.FlowId ?? DefaultFlow;
        if (catalog.FindLatest(flowId) is null)
        {
            errors["flowId"] = [$"'{flowId}' is not a loaded flow; loaded: {string.Join(", ", catalog.Latest.Select(f => f.Id))}."];
        }

        if (request.OrderId is { Length: > MaxIdLength })
        {
            errors["orderId"] = [$"At most {MaxIdLength} characters."];
        }

        if (request.CustomerId is { Length: > MaxIdLength })
        {
            errors["customerId"] = [$"At most {MaxIdLength} characters."];
        }

        if (request.Locale is { } locale && (locale.Length > 35 || !locale.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            errors["locale"] = ["A BCP 47 language tag such as en or zh-CN."];
        }

        if (request.LifetimeHours is < 1 or > MaxLifetimeHours)
        {
            errors["lifetimeHours"] = [$"Between 1 and {MaxLifetimeHours}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var link = await links.CreateAsync(
            flowId,
            request.OrderId,
            request.CustomerId,
            request.Locale is null ? null : catalog.ResolveLocale(request.Locale),
            TimeSpan.FromHours(request.LifetimeHours ?? 48),
            cancellationToken);
        return TypedResults.Created($"/api/survey-links/{link.Token}", new SurveyLinkResponse(link.Token, link.FlowId, link.ExpiresAt));
    }
}
