using System.Globalization;
using System.Net;
using Telegram.Bot.Exceptions;

namespace ChatFeedback.Adapters.Telegram;

/// <summary>Reads what a failed Bot API call means, in the channel-neutral terms of <see cref="SendResult"/>.</summary>
internal static class TelegramErrors
{
    /// <summary>Maps a failure of a send. Callers rethrow cancellation of their own token before asking.</summary>
    public static SendResult ToSendResult(Exception exception) => exception switch
    {
        ApiRequestException { ErrorCode: 429 } ex => SendResult.Retry(RetryAfter(ex), ex.Message),
        ApiRequestException { ErrorCode: 403 } ex => SendResult.Unreachable(ex.Message),
        ApiRequestException { ErrorCode: 400, Parameters.MigrateToChatId: { } movedTo } ex =>
            SendResult.Moved(movedTo.ToString(CultureInfo.InvariantCulture), ex.Message),
        ApiRequestException { ErrorCode: 400 } ex when Contains(ex, "chat not found") => SendResult.Unreachable("chat not found"),
        ApiRequestException { ErrorCode: >= 500 } ex => SendResult.Retry(null, ex.Message),
        ApiRequestException ex => SendResult.Failed(ex.Message),

        // Not an answer from the Bot API: the network, a timeout, a proxy's error page.
        RequestException { HttpStatusCode: null or >= HttpStatusCode.InternalServerError or HttpStatusCode.TooManyRequests } ex =>
            SendResult.Retry(null, ex.Message),
        RequestException ex => SendResult.Failed(ex.Message),
        HttpRequestException or TimeoutException or TaskCanceledException or IOException => SendResult.Retry(null, exception.Message),
        _ => SendResult.Failed($"{exception.GetType().Name}: {exception.Message}"),
    };

    public static TimeSpan? RetryAfter(ApiRequestException exception) =>
        exception.Parameters?.RetryAfter is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

    public static bool Contains(Exception exception, string fragment) =>
        exception.Message.Contains(fragment, StringComparison.OrdinalIgnoreCase);

    /// <summary>A client error other than flood control: asking again with the same request will not help.</summary>
    public static bool IsPermanent(Exception exception) =>
        exception is ApiRequestException { ErrorCode: >= 400 and < 500 and not 429 };

    /// <summary>Doubles <paramref name="initial"/> per attempt (1-based), up to <paramref name="cap"/>.</summary>
    public static TimeSpan Backoff(int attempt, TimeSpan initial, TimeSpan cap)
    {
        var factor = Math.Pow(2, Math.Clamp(attempt - 1, 0, 20));
        var delay = TimeSpan.FromTicks((long)Math.Min(initial.Ticks * factor, cap.Ticks));
        return delay;
    }
}
