using Microsoft.Extensions.Logging;
using Telegram.Bot.Types.Enums;

namespace ChatFeedback.Adapters.Telegram;

/// <summary>Source-generated log events of the Telegram channel. Never log the token or the webhook secret.</summary>
internal static partial class TelegramLog
{
    [LoggerMessage(LogLevel.Information, "The Telegram channel is off (Telegram:BotToken is empty): no webhook route, no polling")]
    public static partial void ChannelOff(this ILogger logger);

    [LoggerMessage(LogLevel.Information, "Telegram runs in polling mode: {Route} is not mapped")]
    public static partial void WebhookRouteNotMapped(this ILogger logger, string route);

    [LoggerMessage(LogLevel.Warning, "The Telegram webhook {WebhookUrl} is plain http (Telegram:AllowHttpWebhook), for the Bot API server at {ApiBaseUrl}: updates and the webhook secret travel unencrypted, so keep that path on a network you trust")]
    public static partial void PlainHttpWebhook(this ILogger logger, string webhookUrl, string apiBaseUrl);

    [LoggerMessage(LogLevel.Error, "A message for Telegram chat {ChatId} cannot be rendered")]
    public static partial void RenderFailed(this ILogger logger, Exception exception, long chatId);

    [LoggerMessage(LogLevel.Debug, "Sending to Telegram chat {ChatId} failed ({Status})")]
    public static partial void SendFailed(this ILogger logger, Exception exception, long chatId, SendStatus status);

    [LoggerMessage(LogLevel.Warning, "Part {Part} of {Parts} to Telegram chat {ChatId} failed ({Status}) after the earlier parts were delivered")]
    public static partial void SendPartFailed(this ILogger logger, Exception exception, int part, int parts, long chatId, SendStatus status);

    [LoggerMessage(LogLevel.Debug, "Telegram callback query {CallbackQueryId} was answered too late")]
    public static partial void CallbackTooOld(this ILogger logger, Exception exception, string callbackQueryId);

    [LoggerMessage(LogLevel.Warning, "Answering Telegram callback query {CallbackQueryId} failed")]
    public static partial void CallbackAnswerFailed(this ILogger logger, Exception exception, string callbackQueryId);

    [LoggerMessage(LogLevel.Debug, "Telegram message {MessageId} in chat {ChatId} is gone; nothing to mark answered")]
    public static partial void EditTargetGone(this ILogger logger, Exception exception, int messageId, long chatId);

    [LoggerMessage(LogLevel.Warning, "Marking Telegram message {MessageId} in chat {ChatId} answered failed")]
    public static partial void EditFailed(this ILogger logger, Exception exception, int messageId, long chatId);

    [LoggerMessage(LogLevel.Warning, "Ignored polled Telegram update {UpdateId}: {Defect}")]
    public static partial void UnusableUpdate(this ILogger logger, int updateId, string defect);

    [LoggerMessage(LogLevel.Debug, "Ignored Telegram update {UpdateId} of type {UpdateType}")]
    public static partial void UpdateIgnored(this ILogger logger, int updateId, UpdateType updateType);

    [LoggerMessage(LogLevel.Error, "Queueing Telegram update {UpdateId} failed")]
    public static partial void EnqueueFailed(this ILogger logger, Exception exception, int updateId);

    [LoggerMessage(LogLevel.Information, "Telegram polling started")]
    public static partial void PollingStarted(this ILogger logger);

    [LoggerMessage(LogLevel.Information, "Telegram polling stopped")]
    public static partial void PollingStopped(this ILogger logger);

    [LoggerMessage(LogLevel.Warning, "Telegram deleteWebhook failed (attempt {Attempt}); retrying in {Delay}")]
    public static partial void DeleteWebhookFailed(this ILogger logger, Exception exception, int attempt, TimeSpan delay);

    [LoggerMessage(LogLevel.Warning, "Telegram getUpdates conflict: another poller or a webhook is active for this bot; retrying in {Delay}")]
    public static partial void PollingConflict(this ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(LogLevel.Warning, "Telegram getUpdates failed; retrying in {Delay}")]
    public static partial void PollingFailed(this ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(LogLevel.Warning, "The service refused Telegram update {UpdateId} (attempt {Attempt}); polling waits")]
    public static partial void UpdateRefused(this ILogger logger, int updateId, int attempt);

    [LoggerMessage(LogLevel.Error, "Queueing Telegram update {UpdateId} failed (attempt {Attempt}); polling waits")]
    public static partial void PolledEnqueueFailed(this ILogger logger, Exception exception, int updateId, int attempt);

    [LoggerMessage(LogLevel.Information, "Telegram webhook set to {WebhookUrl}")]
    public static partial void WebhookSet(this ILogger logger, string webhookUrl);

    [LoggerMessage(LogLevel.Error, "Telegram {Call} failed after {Attempts} attempt(s); giving up until the next start")]
    public static partial void RegistrationGaveUp(this ILogger logger, Exception exception, string call, int attempts);

    [LoggerMessage(LogLevel.Warning, "Telegram {Call} failed (attempt {Attempt}); retrying in {Delay}")]
    public static partial void RegistrationRetry(this ILogger logger, Exception exception, string call, int attempt, TimeSpan delay);
}
