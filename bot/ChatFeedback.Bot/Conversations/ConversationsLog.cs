using ChatFeedback.Adapters;

namespace ChatFeedback.Bot.Conversations;

/// <summary>
/// Source-generated log events of the turn pipeline (a hot path). What happens on every turn is Debug; Information and
/// up is kept for shutdown and for what is wrong. Message ids and conversation keys only, never what was said.
/// </summary>
internal static partial class ConversationsLog
{
    [LoggerMessage(LogLevel.Debug, "Dropped duplicate message {MessageId} in {ConversationKey}")]
    public static partial void DuplicateDropped(this ILogger logger, string messageId, string conversationKey);

    [LoggerMessage(LogLevel.Information, "Refused message {MessageId} in {ConversationKey}: shutting down")]
    public static partial void RefusedWhileStopping(this ILogger logger, string messageId, string conversationKey);

    [LoggerMessage(LogLevel.Warning, "Shutdown timed out before the turn queue was drained")]
    public static partial void DrainTimedOut(this ILogger logger);

    [LoggerMessage(LogLevel.Warning, "Abandoned message {MessageId} in {ConversationKey}: the host stopped before it was processed (kept for the next start: {Kept})")]
    public static partial void Abandoned(this ILogger logger, string messageId, string conversationKey, bool kept);

    [LoggerMessage(LogLevel.Error, "Refused message {MessageId} in {ConversationKey}: the turn inbox could not keep it")]
    public static partial void InboxUnavailable(this ILogger logger, Exception exception, string messageId, string conversationKey);

    [LoggerMessage(LogLevel.Warning, "Could not remove message {MessageId} in {ConversationKey} from the turn inbox; the next start runs it again")]
    public static partial void InboxRemoveFailed(this ILogger logger, Exception exception, string messageId, string conversationKey);

    [LoggerMessage(LogLevel.Warning, "Queued {Count} messages from the turn inbox that an earlier run accepted but did not finish")]
    public static partial void Recovered(this ILogger logger, int count);

    [LoggerMessage(LogLevel.Error, "Recovering the turn inbox failed after {Count} messages; the rest run at the next start")]
    public static partial void RecoveryFailed(this ILogger logger, Exception exception, int count);

    [LoggerMessage(LogLevel.Error, "Processing message {MessageId} in {ConversationKey} failed")]
    public static partial void ProcessingFailed(this ILogger logger, Exception exception, string messageId, string conversationKey);

    [LoggerMessage(LogLevel.Warning, "Ignoring message {MessageId} in {ConversationKey}: {Kind} without its content")]
    public static partial void IgnoredEmpty(this ILogger logger, string messageId, string conversationKey, InboundKind kind);

    [LoggerMessage(LogLevel.Debug, "Session {ConversationKey} changed while message {MessageId} was processed (attempt {Attempt}); running the turn again")]
    public static partial void SaveConflict(this ILogger logger, string conversationKey, string messageId, int attempt);

    [LoggerMessage(LogLevel.Error, "Gave up on message {MessageId} in {ConversationKey}: the session kept changing for {Attempts} attempts")]
    public static partial void GaveUp(this ILogger logger, string messageId, string conversationKey, int attempts);

    [LoggerMessage(LogLevel.Debug, "Message {MessageId} in {ConversationKey}: {Outcome}, {ReplyCount} replies, {EffectCount} effects")]
    public static partial void TurnDone(this ILogger logger, string messageId, string conversationKey, ChatFeedback.Dialogs.TurnOutcome outcome, int replyCount, int effectCount);

    [LoggerMessage(LogLevel.Debug, "Start token in {ConversationKey} (message {MessageId}) is unknown, expired or used; starting as usual")]
    public static partial void UnknownStartToken(this ILogger logger, string conversationKey, string messageId);

    [LoggerMessage(LogLevel.Debug, "Scheduled turn {MessageId} for {ConversationKey} not run: the customer opted out")]
    public static partial void ScheduledToOptedOut(this ILogger logger, string messageId, string conversationKey);
}
