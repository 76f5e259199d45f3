using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Client;

namespace ChatFeedback.Adapters.Teams;

/// <summary>A created 1:1 conversation: the address to send to (null when the connector refused) and why not.</summary>
public sealed record TeamsConversationResult(SendResult Result, ConversationAddress? Address);

/// <summary>One connector call: what it means for the queue, and the id of the activity it created or changed.</summary>
public sealed record TeamsActivityResult(SendResult Result, string? ActivityId);

/// <summary>
/// Sends into Teams conversations over the Bot Connector REST API (<c>{serviceUrl}/v3/conversations/…</c>). Calls go
/// only to allowed connector hosts; a 401 renews the token and retries once; every other answer comes back as a
/// <see cref="SendResult"/> for the outbound queue to act on.
/// </summary>
public sealed class TeamsAdapter(
    IHttpClientFactory httpClientFactory,
    IConnectorTokenProvider tokens,
    TeamsServiceUrlAllowList allowList,
    IOptions<TeamsOptions> options,
    TimeProvider timeProvider,
    ILogger<TeamsAdapter> logger) : IChannelAdapter
{
    public const string CorrelationHeader = "X-Correlating-OperationId";

    public string ChannelId => TeamsActivityMapper.Channel;

    public ChannelRateLimits Limits { get; } = options.Value.ToRateLimits();

    public async Task<SendResult> SendAsync(ConversationAddress to, OutboundMessage message, CancellationToken cancellationToken) =>
        (await SendActivityAsync(to, message, cancellationToken)).Result;

    /// <summary>Sends <paramref name="message"/> (appended to the conversation) and returns the new activity's id.</summary>
    public Task<TeamsActivityResult> SendActivityAsync(ConversationAddress to, OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(message);
        if (Check(to) is { } refused)
        {
            return Task.FromResult(new TeamsActivityResult(refused, null));
        }

        var activity = Address(TeamsRenderer.Render(message), to);
        return CallAsync(HttpMethod.Post, to.ServiceUrl!, $"v3/conversations/{Uri.EscapeDataString(to.ConversationId)}/activities", activity, cancellationToken);
    }

    /// <summary>Replaces activity <paramref name="activityId"/> (e.g. a question card, once answered) with <paramref name="message"/>.</summary>
    public Task<TeamsActivityResult> UpdateActivityAsync(ConversationAddress to, string activityId, OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentException.ThrowIfNullOrEmpty(activityId);
        ArgumentNullException.ThrowIfNull(message);
        if (Check(to) is { } refused)
        {
            return Task.FromResult(new TeamsActivityResult(refused, null));
        }

        var activity = Address(TeamsRenderer.Render(message), to);
        activity["id"] = activityId;
        var path = $"v3/conversations/{Uri.EscapeDataString(to.ConversationId)}/activities/{Uri.EscapeDataString(activityId)}";
        return CallAsync(HttpMethod.Put, to.ServiceUrl!, path, activity, cancellationToken);
    }

    /// <summary>
    /// Creates (or gets back) the 1:1 conversation with <paramref name="user"/> for a proactive message. Needs the
    /// user's id (<c>29:…</c>, specific to this bot), tenant and serviceUrl, and the app installed for the user;
    /// store the returned address and reuse it.
    /// </summary>
    public async Task<TeamsConversationResult> CreateConversationAsync(ConversationAddress user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (string.IsNullOrEmpty(user.UserId))
        {
            return new TeamsConversationResult(SendResult.Failed("A proactive conversation needs the user's id."), null);
        }

        if (Check(user) is { } refused)
        {
            return new TeamsConversationResult(refused, null);
        }

        var parameters = new JsonObject
        {
            ["bot"] = new JsonObject { ["id"] = BotId },
            ["members"] = new JsonArray(new JsonObject { ["id"] = user.UserId }),
            ["isGroup"] = false,
        };
        if (!string.IsNullOrEmpty(user.TenantId))
        {
            parameters["tenantId"] = user.TenantId;
            parameters["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = user.TenantId } };
        }

        var result = await CallAsync(HttpMethod.Post, user.ServiceUrl!, "v3/conversations", parameters, cancellationToken);
        if (result.Result.Status != SendStatus.Delivered || string.IsNullOrEmpty(result.ActivityId))
        {
            var failed = result.Result.Status == SendStatus.Delivered ? SendResult.Failed("The connector returned no conversation id.") : result.Result;
            return new TeamsConversationResult(failed, null);
        }

        var address = new ConversationAddress(TeamsActivityMapper.Channel, result.ActivityId, user.UserId, user.ServiceUrl, user.TenantId, IsGroup: false);
        return new TeamsConversationResult(SendResult.Delivered, address);
    }

    /// <summary>Maps a connector answer to what the outbound queue should do (Teams' documented status codes).</summary>
    internal static SendResult ToSendResult(HttpStatusCode status, RetryConditionHeaderValue? retryAfter, string body, DateTimeOffset now)
    {
        var code = (int)status;
        var detail = $"Teams connector answered {code}: {Shorten(body)}";
        return code switch
        {
            >= 200 and < 300 => SendResult.Delivered,
            429 => SendResult.Retry(RetryDelay(retryAfter, now), detail),
            412 or 502 or 503 or 504 => SendResult.Retry(RetryDelay(retryAfter, now), detail),
            403 when body.Contains("ConversationBlockedByUser", StringComparison.OrdinalIgnoreCase)
                || body.Contains("MessageWritesBlocked", StringComparison.OrdinalIgnoreCase)
                || body.Contains("BotNotInConversationRoster", StringComparison.OrdinalIgnoreCase) => SendResult.Unreachable(detail),
            404 => SendResult.Unreachable($"conversation not found. {detail}"),
            _ => SendResult.Failed(detail),
        };
    }

    private string BotId => string.IsNullOrWhiteSpace(options.Value.AppId) ? "bot" : "28:" + options.Value.AppId;

    private SendResult? Check(ConversationAddress to)
    {
        if (!string.Equals(to.ChannelId, ChannelId, StringComparison.Ordinal))
        {
            return SendResult.Failed($"The Teams adapter cannot send to channel '{to.ChannelId}'.");
        }

        if (string.IsNullOrEmpty(to.ServiceUrl) || TeamsServiceUrlAllowList.KeyOf(to.ServiceUrl) is null)
        {
            return SendResult.Failed("The conversation has no usable serviceUrl; store the one from its last activity.");
        }

        if (!allowList.IsAllowed(to.ServiceUrl))
        {
            logger.ServiceUrlNotAllowed(to.ServiceUrl);
            return SendResult.Failed($"The serviceUrl host of '{to.ServiceUrl}' was not seen in an authenticated activity nor configured in Teams:AllowedServiceUrls.");
        }

        return null;
    }

    /// <summary>Adds what the connector needs to route the activity: the bot, the user in 1:1 chats, the conversation and tenant.</summary>
    private JsonObject Address(JsonObject activity, ConversationAddress to)
    {
        if (!string.IsNullOrWhiteSpace(options.Value.AppId))
        {
            activity["from"] = new JsonObject { ["id"] = BotId };
        }

        if (!to.IsGroup && !string.IsNullOrEmpty(to.UserId))
        {
            activity["recipient"] = new JsonObject { ["id"] = to.UserId };
        }

        var conversation = new JsonObject { ["id"] = to.ConversationId };
        if (!string.IsNullOrEmpty(to.TenantId))
        {
            conversation["tenantId"] = to.TenantId;
        }

        activity["conversation"] = conversation;
        return activity;
    }

    private async Task<TeamsActivityResult> CallAsync(HttpMethod method, string serviceUrl, string relative, JsonObject body, CancellationToken cancellationToken)
    {
        // Without the trailing slash, combining drops the last segment (/amer, /_connector).
        var baseUri = new Uri(serviceUrl.EndsWith('/') ? serviceUrl : serviceUrl + "/", UriKind.Absolute);
        var uri = new Uri(baseUri, relative);
        var json = body.ToJsonString(TeamsJson.Options);
        var http = httpClientFactory.CreateClient(TeamsServiceCollectionExtensions.ConnectorHttpClientName);

        try
        {
            var token = await tokens.GetTokenAsync(null, cancellationToken);
            using var first = await SendOnceAsync(http, method, uri, json, token, cancellationToken);
            if (first.StatusCode == HttpStatusCode.Unauthorized && token is not null)
            {
                logger.ConnectorUnauthorized(Correlation(first), method.Method, uri.AbsolutePath);
                var renewed = await tokens.GetTokenAsync(token, cancellationToken);
                using var second = await SendOnceAsync(http, method, uri, json, renewed, cancellationToken);
                return await ReadAsync(second, method, uri, cancellationToken);
            }

            return await ReadAsync(first, method, uri, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (MsalServiceException ex)
        {
            // Throttled or down: try later; anything else (AADSTS700016, bad secret) is configuration.
            var result = ex.StatusCode is 429 or >= 500
                ? SendResult.Retry(null, $"Token request failed ({ex.ErrorCode}).")
                : SendResult.Failed($"Token request refused ({ex.ErrorCode}): check Teams:AppId, AppPassword, AppType and TenantId.");
            logger.TokenFailed(ex, result.Status);
            return new TeamsActivityResult(result, null);
        }
        catch (MsalException ex)
        {
            logger.TokenFailed(ex, SendStatus.Retryable);
            return new TeamsActivityResult(SendResult.Retry(null, $"Token request failed ({ex.ErrorCode})."), null);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            // A network fault or timeout: the message may not have arrived; the queue retries.
            logger.ConnectorUnreachable(ex, method.Method, uri.AbsolutePath);
            return new TeamsActivityResult(SendResult.Retry(null, $"The Teams connector could not be reached: {ex.Message}"), null);
        }
    }

    private static async Task<HttpResponseMessage> SendOnceAsync(HttpClient http, HttpMethod method, Uri uri, string json, string? token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    private async Task<TeamsActivityResult> ReadAsync(HttpResponseMessage response, HttpMethod method, Uri uri, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var result = ToSendResult(response.StatusCode, response.Headers.RetryAfter, body, timeProvider.GetUtcNow());
        var correlation = Correlation(response);
        if (result.Status == SendStatus.Delivered)
        {
            logger.ConnectorCalled(method.Method, uri.AbsolutePath, (int)response.StatusCode, correlation);
            return new TeamsActivityResult(result, ReadId(body));
        }

        logger.ConnectorRefused(method.Method, uri.AbsolutePath, (int)response.StatusCode, result.Status, correlation, Shorten(body));
        return new TeamsActivityResult(result, null);
    }

    private static string? Correlation(HttpResponseMessage response) =>
        response.Headers.TryGetValues(CorrelationHeader, out var values) ? string.Join(",", values) : null;

    private static string? ReadId(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("id", out var id)
                && id.ValueKind == JsonValueKind.String
                ? id.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static TimeSpan? RetryDelay(RetryConditionHeaderValue? retryAfter, DateTimeOffset now)
    {
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        if (retryAfter?.Date is { } date)
        {
            var wait = date - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private static string Shorten(string body) => body.Length <= 300 ? body : string.Concat(body.AsSpan(0, 299), "…");
}
