using Microsoft.Extensions.Logging;

namespace ChatFeedback.Adapters.Teams;

/// <summary>Source-generated log events of the Teams channel. Never log tokens or the app password.</summary>
internal static partial class TeamsLog
{
    [LoggerMessage(LogLevel.Information, "The Teams channel is off (Teams:AppId is empty and Teams:AllowAnonymous is false): /api/messages is not mapped")]
    public static partial void ChannelOff(this ILogger logger);

    [LoggerMessage(LogLevel.Warning, "The Teams channel runs in ANONYMOUS development mode: {Route} accepts requests without a token and replies go to loopback connectors without one. Never use this in production")]
    public static partial void AnonymousMode(this ILogger logger, string route);

    [LoggerMessage(LogLevel.Debug, "Refused a Teams request ({Status}): {Detail}")]
    public static partial void RequestRefused(this ILogger logger, TeamsAuthStatus status, string detail);

    [LoggerMessage(LogLevel.Debug, "Rejected a Teams token ({Reason}) from issuer {Issuer}")]
    public static partial void TokenRejected(this ILogger logger, string reason, string issuer);

    [LoggerMessage(LogLevel.Information, "Loaded {Count} signing keys from {MetadataUrl} (unknown kid: {Kid})")]
    public static partial void SigningKeysLoaded(this ILogger logger, Uri metadataUrl, int count, string? kid);

    [LoggerMessage(LogLevel.Warning, "Refreshing the signing keys from {MetadataUrl} failed; the last good keys stay in use")]
    public static partial void SigningKeysRefreshFailed(this ILogger logger, Exception exception, Uri metadataUrl);

    [LoggerMessage(LogLevel.Error, "No signing keys can be loaded from {MetadataUrl}: Teams requests cannot be authenticated")]
    public static partial void SigningKeysUnavailable(this ILogger logger, Exception exception, Uri metadataUrl);

    [LoggerMessage(LogLevel.Debug, "Ignored Teams activity {ActivityId} of type {ActivityType}")]
    public static partial void ActivityIgnored(this ILogger logger, string? activityId, string? activityType);

    [LoggerMessage(LogLevel.Debug, "Teams activity {ActivityId} came from channel '{RealChannelId}' ({AuthStatus}); it is handled as msteams")]
    public static partial void OtherChannel(this ILogger logger, string? realChannelId, string? activityId, TeamsAuthStatus authStatus);

    [LoggerMessage(LogLevel.Debug, "Answered Teams invoke {ActivityId} named '{InvokeName}' with 501")]
    public static partial void InvokeNotImplemented(this ILogger logger, string? activityId, string? invokeName);

    [LoggerMessage(LogLevel.Error, "Queueing Teams activity {ActivityId} failed")]
    public static partial void EnqueueFailed(this ILogger logger, Exception exception, string activityId);

    [LoggerMessage(LogLevel.Warning, "The serviceUrl {ServiceUrl} was not remembered (allow-list full or not a URL)")]
    public static partial void ServiceUrlNotRemembered(this ILogger logger, string serviceUrl);

    [LoggerMessage(LogLevel.Warning, "Refused to call the Teams connector at {ServiceUrl}: its host is not allowed")]
    public static partial void ServiceUrlNotAllowed(this ILogger logger, string serviceUrl);

    [LoggerMessage(LogLevel.Debug, "Teams connector {Method} {Path} answered {StatusCode} (operation {CorrelationId})")]
    public static partial void ConnectorCalled(this ILogger logger, string method, string path, int statusCode, string? correlationId);

    [LoggerMessage(LogLevel.Debug, "Teams connector {Method} {Path} answered {StatusCode} ({SendStatus}, operation {CorrelationId}): {Body}")]
    public static partial void ConnectorRefused(this ILogger logger, string method, string path, int statusCode, SendStatus sendStatus, string? correlationId, string body);

    [LoggerMessage(LogLevel.Warning, "Teams connector refused the token (operation {CorrelationId}) for {Method} {Path}; renewing it and retrying once")]
    public static partial void ConnectorUnauthorized(this ILogger logger, string? correlationId, string method, string path);

    [LoggerMessage(LogLevel.Warning, "Teams connector {Method} {Path} could not be reached")]
    public static partial void ConnectorUnreachable(this ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(LogLevel.Warning, "Getting a Teams connector token failed ({SendStatus})")]
    public static partial void TokenFailed(this ILogger logger, Exception exception, SendStatus sendStatus);
}
