using ChatFeedback.Adapters.AspNetCore;
using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Adapters.Teams;

/// <summary>
/// The Bot Connector endpoint, <c>POST /api/messages</c>: authenticates the request, maps the activity, queues it and
/// answers 200 at once. <c>adaptiveCard/action</c> invokes are answered in the response with the updated card. A
/// refused token gets 401 (403 for a key not endorsed for the channel), nothing is processed and nothing is sent.
/// </summary>
public static class TeamsEndpoints
{
    public const string Route = "/api/messages";
    public const string InvokeCardType = "application/vnd.microsoft.card.adaptive";
    public const string InvokeErrorType = "application/vnd.microsoft.error";

    private const string LogCategory = "ChatFeedback.Adapters.Teams.TeamsEndpoints";

    public static IEndpointRouteBuilder MapTeams(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(LogCategory);
        if (services.GetService<TeamsChannelMarker>() is null)
        {
            logger.ChannelOff();
            return endpoints;
        }

        if (services.GetRequiredService<IOptions<TeamsOptions>>().Value.Anonymous)
        {
            logger.AnonymousMode(Route);
        }

        endpoints.MapPost(Route, ReceiveActivityAsync)
            .WithName("TeamsMessages")
            .WithTags("Teams");
        return endpoints;
    }

    private static async Task<Results<Ok, JsonHttpResult<JsonObject>, ProblemHttpResult, StatusCodeHttpResult>> ReceiveActivityAsync(
        HttpRequest request,
        TeamsAuthenticator authenticator,
        TeamsServiceUrlAllowList allowList,
        IInboundSink sink,
        IOptions<TeamsOptions> options,
        WebhookRejections rejections,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger(LogCategory);
        var settings = options.Value;
        if (request.ContentLength > settings.MaxBodyBytes)
        {
            return TooLarge(rejections, request.ContentLength.Value, settings.MaxBodyBytes);
        }

        // 1. Authenticate: the token first, before the body is even read.
        var auth = await authenticator.AuthenticateAsync(request.Headers.Authorization.ToString(), cancellationToken);
        if (!auth.IsAuthenticated)
        {
            return Refused(logger, rejections, request, auth);
        }

        var body = await RequestBody.ReadLimitedAsync(request, settings.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return TooLarge(rejections, settings.MaxBodyBytes + 1L, settings.MaxBodyBytes);
        }

        TeamsActivity? activity;
        try
        {
            activity = JsonSerializer.Deserialize<TeamsActivity>(body, TeamsJson.Options);
        }
        catch (Exception ex)
        {
            // Any exception the parser throws on a body is the body's fault: a problem response, never a 500.
            rejections.Report(TeamsActivityMapper.Channel, WebhookRejections.ReasonMalformed, body.Length, WebhookRejections.Describe(ex), ex);
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: "The body is not a JSON activity.");
        }

        if (activity is null)
        {
            rejections.Report(TeamsActivityMapper.Channel, WebhookRejections.ReasonMalformed, body.Length, "JSON null, not an activity");
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: "The body is not a JSON activity.");
        }

        // The channel path's checks that need the activity: serviceurl claim, endorsements.
        auth = TeamsAuthenticator.CheckActivity(auth, activity);
        if (!auth.IsAuthenticated)
        {
            return Refused(logger, rejections, request, auth);
        }

        if (string.IsNullOrEmpty(activity.Type))
        {
            rejections.Report(TeamsActivityMapper.Channel, WebhookRejections.ReasonInvalid, body.Length, "activity without type");
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: "The activity has no type.");
        }

        // Outbound calls carry the bot's token: only to hosts seen here after authentication (loopback only when anonymous).
        if (activity.ServiceUrl is { } serviceUrl
            && (auth.Status != TeamsAuthStatus.Anonymous || TeamsServiceUrlAllowList.IsLoopback(serviceUrl))
            && !allowList.Remember(serviceUrl))
        {
            logger.ServiceUrlNotRemembered(serviceUrl);
        }

        if (!string.Equals(activity.ChannelId, TeamsActivityMapper.Channel, StringComparison.Ordinal))
        {
            logger.OtherChannel(activity.ChannelId, activity.Id, auth.Status);
        }

        // 2.-4. Normalise, hand off, acknowledge.
        var now = timeProvider.GetUtcNow();
        if (activity.Type == "invoke")
        {
            return await InvokeAsync(activity, sink, now, logger, cancellationToken);
        }

        var inbound = TeamsActivityMapper.Map(activity, now, out var defect);
        if (inbound is null && defect is not null)
        {
            rejections.Report(TeamsActivityMapper.Channel, WebhookRejections.ReasonInvalid, body.Length, $"{activity.Type} activity: {defect}");
            return TypedResults.Ok();
        }

        if (inbound is null)
        {
            logger.ActivityIgnored(activity.Id, activity.Type);
            return TypedResults.Ok();
        }

        var result = await EnqueueAsync(sink, inbound, logger, cancellationToken);
        return result == EnqueueResult.Rejected
            ? TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Try again later", detail: "The service cannot take the activity now.")
            : TypedResults.Ok();
    }

    /// <summary>Invokes want their answer in this response: the press is queued and the card replaced by "✓ label".</summary>
    private static async Task<Results<Ok, JsonHttpResult<JsonObject>, ProblemHttpResult, StatusCodeHttpResult>> InvokeAsync(
        TeamsActivity activity,
        IInboundSink sink,
        DateTimeOffset now,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        if (activity.Name != TeamsActivityMapper.AdaptiveCardActionInvoke)
        {
            logger.InvokeNotImplemented(activity.Id, activity.Name);
            return TypedResults.StatusCode(StatusCodes.Status501NotImplemented);
        }

        var action = TeamsActivityMapper.MapCardAction(activity, now);
        if (action is null)
        {
            logger.ActivityIgnored(activity.Id, activity.Type);
            return InvokeError(400, "BadRequest", "This card action is not one of ours.");
        }

        var result = await EnqueueAsync(sink, action.Message, logger, cancellationToken);
        if (result == EnqueueResult.Rejected)
        {
            return InvokeError(503, "ServiceUnavailable", "Please try again in a moment.");
        }

        var label = action.Label ?? action.Message.Button!.Value;
        return TypedResults.Json(
            new JsonObject
            {
                ["statusCode"] = 200,
                ["type"] = InvokeCardType,
                ["value"] = TeamsRenderer.AnsweredCard(action.QuestionText, label),
            },
            TeamsJson.Options);
    }

    private static JsonHttpResult<JsonObject> InvokeError(int status, string code, string message) =>
        TypedResults.Json(
            new JsonObject
            {
                ["statusCode"] = status,
                ["type"] = InvokeErrorType,
                ["value"] = new JsonObject { ["code"] = code, ["message"] = message },
            },
            TeamsJson.Options);

    private static async Task<EnqueueResult> EnqueueAsync(IInboundSink sink, InboundMessage inbound, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            return await sink.EnqueueAsync(inbound, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Not queued: a 503 makes the channel deliver it again rather than lose it.
            logger.EnqueueFailed(ex, inbound.MessageId);
            return EnqueueResult.Rejected;
        }
    }

    private static ProblemHttpResult Refused(ILogger logger, WebhookRejections rejections, HttpRequest request, TeamsAuthResult auth)
    {
        // Per request at Debug; anyone can post here, so the Warning is the shared, rate-limited one. Keys that cannot be
        // loaded are not the caller's fault and are logged as an error where they fail.
        logger.RequestRefused(auth.Status, auth.Detail);
        if (auth.Status != TeamsAuthStatus.Unavailable)
        {
            rejections.Report(TeamsActivityMapper.Channel, WebhookRejections.ReasonUnauthorized, request.ContentLength ?? 0, auth.Detail);
        }

        return auth.Status switch
        {
            TeamsAuthStatus.Forbidden => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: auth.Detail),
            TeamsAuthStatus.Unavailable => TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Try again later", detail: auth.Detail),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: auth.Detail),
        };
    }

    private static ProblemHttpResult TooLarge(WebhookRejections rejections, long size, int limit)
    {
        rejections.Report(TeamsActivityMapper.Channel, WebhookRejections.ReasonTooLarge, size, $"larger than {TeamsOptions.SectionName}:MaxBodyBytes ({limit})");
        return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large", detail: $"The activity must not exceed {limit} bytes.");
    }
}
