using ChatFeedback.Bot.Api;
using ChatFeedback.Bot.Scheduling;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Purchases;

/// <summary><c>POST /api/purchases</c> (API key): a shop reports a purchase; the answer is the order's survey invitation.</summary>
public static class PurchaseEndpoints
{
    public static IEndpointRouteBuilder MapPurchases(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/purchases").WithTags("Purchases").RequireApiKey();
        group.MapPost("/", RecordAsync).WithName("RecordPurchase");
        return endpoints;
    }

    /// <summary>202 with the invitation (also for a replay of the same order); 400 listing every bad field; 409 for a different order under a used id.</summary>
    public static async Task<Results<Accepted<PurchaseAccepted>, ValidationProblem, ProblemHttpResult>> RecordAsync(
        PurchaseRequest request, PurchaseService purchases, IOptions<InvitationOptions> options, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(purchases);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var errors = PurchaseValidator.Validate(request, timeProvider.GetUtcNow(), options.Value);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The purchase event has invalid fields");
        }

        var result = await purchases.RecordAsync(request, cancellationToken);
        return result.Accepted is { } accepted
            ? TypedResults.Accepted((string?)null, accepted)
            : TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Order already recorded with different details",
                detail: $"Order '{request.OrderId}' was recorded before with a different {string.Join(", ", result.Conflicts)}; an order id names one purchase.");
    }
}
