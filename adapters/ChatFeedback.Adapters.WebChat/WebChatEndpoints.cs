using ChatFeedback.Adapters.AspNetCore;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Adapters.WebChat;

/// <summary>
/// The web chat's HTTP API: open a conversation, post messages, fetch or stream what the service said.
/// Every request on a conversation carries its token (see <see cref="WebChatTokenFilter"/>).
/// </summary>
public static class WebChatEndpoints
{
    public const string RoutePrefix = "/api/webchat";

    public static IEndpointRouteBuilder MapWebChat(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var api = endpoints.MapGroup(RoutePrefix).WithTags("WebChat");
        api.MapPost("/conversations", OpenConversationAsync).WithName("WebChatOpenConversation");

        var conversation = api.MapGroup("/conversations/{conversationId}").AddEndpointFilter<WebChatTokenFilter>();
        conversation.MapPost("/messages", PostMessageAsync).WithName("WebChatPostMessage");
        conversation.MapGet("/messages", GetMessagesAsync).WithName("WebChatGetMessages");
        conversation.MapGet("/events", StreamEventsAsync).WithName("WebChatEvents");
        return endpoints;
    }

    public static async Task<Results<JsonHttpResult<WebChatOpenResponse>, ValidationProblem, ProblemHttpResult>> OpenConversationAsync(
        HttpRequest request,
        IWebChatTranscriptStore store,
        WebChatTokenService tokens,
        IInboundSink sink,
        IOptions<WebChatOptions> options,
        WebhookRejections rejections,
        CancellationToken cancellationToken)
    {
        // An empty body is fine here: every field is optional.
        var body = await ReadJsonAsync(request, WebChatJsonContext.Default.WebChatOpenRequest, options.Value.MaxRequestBodyBytes, allowEmpty: true, rejections, cancellationToken);
        if (body.Error is not null)
        {
            return body.Error;
        }

        if (body.Invalid is not null)
        {
            return body.Invalid;
        }

        var locale = body.Value?.Locale;
        var localeErrors = WebChatMapper.ValidateLocale(locale);
        if (localeErrors.Count > 0)
        {
            Invalid(rejections, body.Size, localeErrors);
            return TypedResults.ValidationProblem(localeErrors);
        }

        var conversation = await store.CreateAsync(NewConversationId(), locale, cancellationToken);
        if (conversation is null)
        {
            request.HttpContext.Response.Headers.RetryAfter = "60";
            return Unavailable("The web chat is at capacity; try again later.");
        }

        var result = await sink.EnqueueAsync(WebChatMapper.Opened(conversation), cancellationToken);
        if (result == EnqueueResult.Rejected)
        {
            await store.RemoveAsync(conversation.Id, cancellationToken);
            request.HttpContext.Response.Headers.RetryAfter = "5";
            return Unavailable("The service is busy; try again shortly.");
        }

        var response = new WebChatOpenResponse(conversation.Id, tokens.Issue(conversation.Id), conversation.Locale);
        request.HttpContext.Response.Headers.Location = $"{RoutePrefix}/conversations/{conversation.Id}/messages";
        return TypedResults.Json(response, WebChatJsonContext.Default.WebChatOpenResponse, statusCode: StatusCodes.Status201Created);
    }

    public static async Task<Results<JsonHttpResult<WebChatPostResponse>, ValidationProblem, ProblemHttpResult>> PostMessageAsync(
        string conversationId,
        HttpRequest request,
        IWebChatTranscriptStore store,
        IInboundSink sink,
        IOptions<WebChatOptions> options,
        WebhookRejections rejections,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var conversation = await store.FindAsync(conversationId, cancellationToken);
        if (conversation is null)
        {
            return UnknownConversation();
        }

        var body = await ReadJsonAsync(request, WebChatJsonContext.Default.WebChatPostRequest, options.Value.MaxRequestBodyBytes, allowEmpty: false, rejections, cancellationToken);
        if (body.Error is not null)
        {
            return body.Error;
        }

        if (body.Invalid is not null)
        {
            return body.Invalid;
        }

        var payload = body.Value!;
        var errors = WebChatMapper.Validate(payload, options.Value.MaxTextLength);
        if (errors.Count > 0)
        {
            Invalid(rejections, body.Size, errors);
            return TypedResults.ValidationProblem(errors, title: "The message is not valid.");
        }

        var inbound = WebChatMapper.ToInbound(payload, conversation, timeProvider.GetUtcNow());
        if (inbound is null)
        {
            return Accepted(payload.Id!, "ignored");
        }

        var result = await sink.EnqueueAsync(inbound, cancellationToken);
        if (result == EnqueueResult.Rejected)
        {
            request.HttpContext.Response.Headers.RetryAfter = "5";
            return Unavailable("The service is busy; send the message again shortly with the same id.");
        }

        await store.TouchAsync(conversationId, cancellationToken);
        return Accepted(payload.Id!, result == EnqueueResult.Duplicate ? "duplicate" : "queued");
    }

    public static async Task<Results<JsonHttpResult<IReadOnlyList<WebChatMessageDto>>, ValidationProblem, ProblemHttpResult>> GetMessagesAsync(
        string conversationId,
        string? after,
        IWebChatTranscriptStore store,
        CancellationToken cancellationToken)
    {
        if (!TryParseSeq(after, out var afterSeq))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["after"] = ["after must be a non-negative integer."] });
        }

        var entries = await store.ReadAfterAsync(conversationId, afterSeq, cancellationToken);
        if (entries is null)
        {
            return UnknownConversation();
        }

        IReadOnlyList<WebChatMessageDto> messages = [.. entries.Select(WebChatMapper.ToDto)];
        return TypedResults.Json(messages, WebChatJsonContext.Default.IReadOnlyListWebChatMessageDto);
    }

    public static async Task<Results<ServerSentEventsResult<string>, ValidationProblem, ProblemHttpResult>> StreamEventsAsync(
        string conversationId,
        string? after,
        HttpContext httpContext,
        IWebChatTranscriptStore store,
        IHostApplicationLifetime lifetime,
        CancellationToken cancellationToken)
    {
        // EventSource sends Last-Event-ID when it reconnects; it wins over the after of the first request.
        var lastEventId = httpContext.Request.Headers["Last-Event-ID"].ToString();
        if (!TryParseSeq(after, out var afterSeq) || !TryParseSeq(lastEventId, out var lastSeen))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["after"] = ["after and Last-Event-ID must be non-negative integers."] });
        }

        if (await store.FindAsync(conversationId, cancellationToken) is null)
        {
            return UnknownConversation();
        }

        // Tell reverse proxies (nginx) not to buffer the stream.
        httpContext.Response.Headers["X-Accel-Buffering"] = "no";
        return TypedResults.ServerSentEvents(
            StreamAsync(httpContext.Response, store, conversationId, Math.Max(afterSeq, lastSeen), lifetime.ApplicationStopping, cancellationToken));
    }

    private static async IAsyncEnumerable<SseItem<string>> StreamAsync(
        HttpResponse response,
        IWebChatTranscriptStore store,
        string conversationId,
        long afterSeq,
        CancellationToken stopping,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Ends when the client goes away or the host shuts down, so shutdown is not held up by open streams.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, cancellationToken);

        // The result has set the event-stream headers by now; send them at once, so the client's EventSource opens
        // even when there is nothing to say yet.
        await response.Body.FlushAsync(linked.Token);
        await foreach (var entry in store.WatchAsync(conversationId, afterSeq, linked.Token))
        {
            var data = JsonSerializer.Serialize(WebChatMapper.ToDto(entry), WebChatJsonContext.Default.WebChatMessageDto);
            yield return new SseItem<string>(data, "message") { EventId = entry.Seq.ToString(CultureInfo.InvariantCulture) };
        }
    }

    private static JsonHttpResult<WebChatPostResponse> Accepted(string id, string status) =>
        TypedResults.Json(new WebChatPostResponse(id, status), WebChatJsonContext.Default.WebChatPostResponse, statusCode: StatusCodes.Status202Accepted);

    private static ProblemHttpResult UnknownConversation() =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: "Unknown conversation",
            detail: "The conversation does not exist or has expired; open a new one.");

    private static ProblemHttpResult Unavailable(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Try again later", detail: detail);

    private static string NewConversationId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static bool TryParseSeq(string? text, out long value)
    {
        value = 0;
        return string.IsNullOrEmpty(text)
            || (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 0);
    }

    /// <summary>
    /// Reads the body up to <paramref name="limit"/> bytes and deserialises it with the web chat's own JSON
    /// settings; bad JSON becomes a 400 naming the field, an oversized body a 413, never an exception. Every refusal
    /// is reported to <paramref name="rejections"/> (counted, and logged at most once a minute).
    /// </summary>
    private static async Task<BodyRead<T>> ReadJsonAsync<T>(
        HttpRequest request,
        JsonTypeInfo<T> typeInfo,
        int limit,
        bool allowEmpty,
        WebhookRejections rejections,
        CancellationToken cancellationToken)
        where T : class
    {
        var body = await RequestBody.ReadLimitedAsync(request, limit, cancellationToken);
        if (body is null)
        {
            rejections.Report(WebChatAdapter.Channel, WebhookRejections.ReasonTooLarge, request.ContentLength ?? limit + 1L, $"larger than {WebChatOptions.SectionName}:MaxRequestBodyBytes ({limit})");
            return new(null, null, TooLarge(limit));
        }

        if (body.Length == 0)
        {
            if (allowEmpty)
            {
                return new(null, null, null);
            }

            rejections.Report(WebChatAdapter.Channel, WebhookRejections.ReasonMalformed, 0, "empty body");
            return new(null, BodyProblem("body", "The request body is empty; send a JSON object."), null);
        }

        try
        {
            var value = JsonSerializer.Deserialize(body, typeInfo);
            if (value is null)
            {
                rejections.Report(WebChatAdapter.Channel, WebhookRejections.ReasonMalformed, body.Length, "JSON null, not an object");
                return new(null, BodyProblem("body", "The request body must be a JSON object."), null);
            }

            return new(value, null, null, body.Length);
        }
        catch (JsonException ex)
        {
            rejections.Report(WebChatAdapter.Channel, WebhookRejections.ReasonMalformed, body.Length, WebhookRejections.Describe(ex), ex);
            var field = ex.Path is null or "$" ? "body" : ex.Path.TrimStart('$', '.');
            var where = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})" : string.Empty;
            var message = ex.Path is null or "$"
                ? $"The request body is not a valid JSON object{where}."
                : $"The value of '{field}' is not valid JSON or has the wrong type{where}.";
            return new(null, BodyProblem(field, message), null);
        }
    }

    /// <summary>Reports a well-formed body that failed validation, naming the fields (their values may be the customer's words).</summary>
    private static void Invalid(WebhookRejections rejections, int size, Dictionary<string, string[]> errors) =>
        rejections.Report(WebChatAdapter.Channel, WebhookRejections.ReasonInvalid, size, $"invalid {string.Join(", ", errors.Keys)}");

    private static ValidationProblem BodyProblem(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The request body is not valid JSON.");

    private static ProblemHttpResult TooLarge(int limit) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Request body too large",
            detail: $"The request body must not exceed {limit} bytes.");

    private sealed record BodyRead<T>(T? Value, ValidationProblem? Invalid, ProblemHttpResult? Error, int Size = 0);
}
