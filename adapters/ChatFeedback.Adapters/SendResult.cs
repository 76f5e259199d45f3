namespace ChatFeedback.Adapters;

/// <summary>What the channel said about one send, in terms the outbound queue can act on.</summary>
public sealed record SendResult(SendStatus Status, TimeSpan? RetryAfter = null, string? Detail = null)
{
    public static readonly SendResult Delivered = new(SendStatus.Delivered);

    public static SendResult Retry(TimeSpan? after, string detail) => new(SendStatus.Retryable, after, detail);

    public static SendResult Unreachable(string detail) => new(SendStatus.Unreachable, null, detail);

    public static SendResult Failed(string detail) => new(SendStatus.Failed, null, detail);

    /// <summary>The conversation moved (Telegram group to supergroup): send again to <see cref="MovedTo"/>.</summary>
    public static SendResult Moved(string movedTo, string detail) => new(SendStatus.Moved, null, detail) { MovedTo = movedTo };

    public string? MovedTo { get; init; }
}

public enum SendStatus
{
    Delivered,

    /// <summary>Throttled or a transient fault: try again, after <see cref="SendResult.RetryAfter"/> when given.</summary>
    Retryable,

    /// <summary>The customer blocked the bot or the conversation is gone: record it, do not retry.</summary>
    Unreachable,

    /// <summary>The channel refused the message for good (bad request): log it, do not retry.</summary>
    Failed,

    /// <summary>The conversation has a new id; update the address and send again.</summary>
    Moved,
}
