using ChatFeedback.Adapters.AspNetCore;
using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace ChatFeedback.Adapters.Telegram;

/// <summary>
/// The Telegram webhook, <c>POST /api/telegram</c>: checks the secret header, maps the update, queues it and
/// answers at once. Anything that parses is acknowledged with 200, even when ignored, or Telegram redelivers it
/// for ever; only a full queue gets 503, so that Telegram tries again later.
/// </summary>
public static class TelegramEndpoints
{
    public const string Route = "/api/telegram";
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";

    private const string LogCategory = "ChatFeedback.Adapters.Telegram.TelegramEndpoints";

    // The configured secret with its hash, computed once (see SecretsMatch).
    private static HashedSecret? s_expectedSecret;

    public static IEndpointRouteBuilder MapTelegram(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(LogCategory);
        if (services.GetService<TelegramChannelMarker>() is null)
        {
            logger.ChannelOff();
            return endpoints;
        }

        var settings = services.GetRequiredService<IOptions<TelegramOptions>>().Value;
        if (settings.Mode != TelegramMode.Webhook)
        {
            logger.WebhookRouteNotMapped(Route);
            return endpoints;
        }

        if (settings.WebhookUrl is { Scheme: "http" } plain)
        {
            logger.PlainHttpWebhook(plain.GetLeftPart(UriPartial.Path), settings.ApiBaseUrl.GetLeftPart(UriPartial.Authority));
        }

        var group = endpoints.MapGroup(Route)
            .WithTags("Telegram")
            .AddEndpointFilter(RequireSecretAsync);
        group.MapPost("", ReceiveUpdateAsync).WithName("TelegramWebhook");
        return endpoints;
    }

    /// <summary>Authenticates the call: Telegram echoes the secret given to <c>setWebhook</c> in a header.</summary>
    private static async ValueTask<object?> RequireSecretAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var expected = http.RequestServices.GetRequiredService<IOptions<TelegramOptions>>().Value.WebhookSecret;
        var given = http.Request.Headers[SecretHeader];
        if (string.IsNullOrEmpty(expected) || given.Count != 1 || !SecretsMatch(given[0], expected))
        {
            http.RequestServices.GetRequiredService<WebhookRejections>().Report(
                TelegramUpdateMapper.Channel, WebhookRejections.ReasonUnauthorized, http.Request.ContentLength ?? 0, $"the {SecretHeader} header is missing or does not match");
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Unauthorized",
                detail: $"The {SecretHeader} header is missing or does not match.");
        }

        return await next(context);
    }

    private static async Task<Results<Ok, FileContentHttpResult, ProblemHttpResult>> ReceiveUpdateAsync(
        HttpRequest request,
        IInboundSink sink,
        IOptions<TelegramOptions> options,
        TelegramMetrics metrics,
        WebhookRejections rejections,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger(LogCategory);
        var settings = options.Value;
        var body = await RequestBody.ReadLimitedAsync(request, settings.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            rejections.Report(TelegramUpdateMapper.Channel, WebhookRejections.ReasonTooLarge, request.ContentLength ?? settings.MaxBodyBytes + 1L, $"larger than {TelegramOptions.SectionName}:MaxBodyBytes ({settings.MaxBodyBytes})");
            return TypedResults.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "Request body too large",
                detail: $"The update must not exceed {settings.MaxBodyBytes} bytes.");
        }

        // Our own deserialisation with the Bot API's settings: the host's JSON options stay untouched, and a bad
        // body is acknowledged instead of failing binding with a 400 that Telegram would redeliver.
        Update? update;
        try
        {
            update = JsonSerializer.Deserialize<Update>(body, JsonBotAPI.Options);
        }
        catch (Exception ex)
        {
            // Not only JsonException: Telegram.Bot's converters throw their own (a chat member without status, say).
            // Whatever a body makes the parser throw, it is the body's fault, and a non-2xx would only bring it back.
            rejections.Report(TelegramUpdateMapper.Channel, WebhookRejections.ReasonMalformed, body.Length, WebhookRejections.Describe(ex), ex);
            metrics.UpdateIgnored(TelegramMetrics.ReasonMalformed);
            return TypedResults.Ok();
        }

        if (update is null)
        {
            rejections.Report(TelegramUpdateMapper.Channel, WebhookRejections.ReasonMalformed, body.Length, "JSON null, not an update");
            metrics.UpdateIgnored(TelegramMetrics.ReasonMalformed);
            return TypedResults.Ok();
        }

        var inbound = TelegramUpdateMapper.Map(update, timeProvider.GetUtcNow(), settings.BotUsername, out var defect);
        if (inbound is null && defect is not null)
        {
            rejections.Report(TelegramUpdateMapper.Channel, WebhookRejections.ReasonInvalid, body.Length, $"update {update.Id}: {defect}");
            metrics.UpdateIgnored(TelegramMetrics.ReasonMalformed);
            return TypedResults.Ok();
        }

        if (inbound is null)
        {
            logger.UpdateIgnored(update.Id, update.Type);
            metrics.UpdateIgnored(TelegramMetrics.ReasonUnsupported);
            return TypedResults.Ok();
        }

        // A press is answered in this response when its turn is done in time (PROTOCOLS B1: a method call as the reply).
        InlineAnswer? inline = null;
        if (inbound.Interaction is { } interaction && settings.CallbackAnswerWait > TimeSpan.Zero)
        {
            inline = new InlineAnswer();
            inbound = inbound with { Interaction = interaction with { Inline = inline } };
        }

        EnqueueResult result;
        try
        {
            result = await sink.EnqueueAsync(inbound, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Not queued: let Telegram deliver it again rather than lose the customer's message.
            logger.EnqueueFailed(ex, update.Id);
            result = EnqueueResult.Rejected;
        }

        if (result == EnqueueResult.Rejected)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Try again later",
                detail: "The service cannot take the update now.");
        }

        if (inline is not null && result == EnqueueResult.Queued)
        {
            return await AnswerInlineAsync(inbound.Interaction!.Id, inline, settings.CallbackAnswerWait, timeProvider, cancellationToken);
        }

        return TypedResults.Ok();
    }

    /// <summary>
    /// Waits for the press's turn and answers the callback query in the response, with the stale-press notice when
    /// there is one; when the turn takes longer, acknowledges and leaves the answer to the adapter's API call.
    /// </summary>
    private static async Task<Results<Ok, FileContentHttpResult, ProblemHttpResult>> AnswerInlineAsync(
        string callbackQueryId,
        InlineAnswer inline,
        TimeSpan wait,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        try
        {
            await inline.Answer.WaitAsync(wait, timeProvider, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The turn is slow: fall through, StopWaiting hands the answer to the adapter.
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The turn ended without an answer to hand over (it failed, was a duplicate, or ignored the press).
        }
        catch (OperationCanceledException)
        {
            inline.StopWaiting();
            throw;
        }

        if (inline.StopWaiting())
        {
            return TypedResults.Ok();
        }

        var reply = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(reply))
        {
            json.WriteStartObject();
            json.WriteString("method", "answerCallbackQuery");
            json.WriteString("callback_query_id", callbackQueryId);
            if (TelegramAdapter.NoticeText(inline.Answer.Result) is { } text)
            {
                json.WriteString("text", text);
            }

            json.WriteEndObject();
        }

        return TypedResults.Bytes(reply.WrittenMemory, "application/json");
    }

    /// <summary>
    /// Compares in constant time; hashing first hides the expected length as well. The expected secret's hash is kept
    /// (it is the same on every request), so each request hashes only what it brought.
    /// </summary>
    private static bool SecretsMatch(string? given, string expected)
    {
        if (given is null)
        {
            return false;
        }

        var known = s_expectedSecret;
        if (known is null || !string.Equals(known.Secret, expected, StringComparison.Ordinal))
        {
            known = new HashedSecret(expected, SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
            s_expectedSecret = known;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(given), hash);
        return CryptographicOperations.FixedTimeEquals(hash, known.Hash);
    }

    private sealed record HashedSecret(string Secret, byte[] Hash);
}
