namespace ChatFeedback.Bot.Outbound;

/// <summary>
/// Source-generated log events of the outbound queue (a hot path). Details are what the channel answered (a status,
/// an error code), never the message sent.
/// </summary>
internal static partial class OutboundLog
{
    [LoggerMessage(LogLevel.Debug, "Dropped a message to unreachable {ConversationKey} (answering {MessageId})")]
    public static partial void DroppedForUnreachable(this ILogger logger, string conversationKey, string messageId);

    [LoggerMessage(LogLevel.Warning, "Shutting down with a message to {ConversationKey} unsent (answering {MessageId})")]
    public static partial void UnsentAtShutdown(this ILogger logger, string conversationKey, string messageId);

    [LoggerMessage(LogLevel.Error, "Sending to {ConversationKey} failed (answering {MessageId})")]
    public static partial void SendFailed(this ILogger logger, Exception exception, string conversationKey, string messageId);

    [LoggerMessage(LogLevel.Warning, "Answering the press in {ConversationKey} (message {MessageId}) failed")]
    public static partial void PressAnswerFailed(this ILogger logger, Exception exception, string conversationKey, string messageId);

    [LoggerMessage(LogLevel.Error, "No channel adapter for {ChannelId}; message to {ConversationKey} dropped")]
    public static partial void NoAdapter(this ILogger logger, string channelId, string conversationKey);

    [LoggerMessage(LogLevel.Warning, "Send to {ConversationKey} threw on try {Attempt}")]
    public static partial void SendThrew(this ILogger logger, Exception exception, string conversationKey, int attempt);

    [LoggerMessage(LogLevel.Error, "The channel refused a message to {ConversationKey} (answering {MessageId}): {Detail}")]
    public static partial void Refused(this ILogger logger, string conversationKey, string messageId, string? detail);

    [LoggerMessage(LogLevel.Warning, "{ConversationKey} is unreachable: {Detail}")]
    public static partial void Unreachable(this ILogger logger, string conversationKey, string? detail);

    // Throttling is the channel's normal flow control, not a problem: the give-up below is.
    [LoggerMessage(LogLevel.Debug, "Send to {ConversationKey} throttled or failed ({Detail}); try {Attempt} again in {Wait}")]
    public static partial void RetryLater(this ILogger logger, string conversationKey, string? detail, int attempt, TimeSpan wait);

    [LoggerMessage(LogLevel.Error, "Gave up on a message to {ConversationKey} (answering {MessageId}) after {Attempts} tries: {Detail}")]
    public static partial void GaveUp(this ILogger logger, string conversationKey, string messageId, int attempts, string? detail);
}
