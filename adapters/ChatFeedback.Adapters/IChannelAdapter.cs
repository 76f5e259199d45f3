namespace ChatFeedback.Adapters;

/// <summary>The outbound half of a channel: renders and sends replies into a conversation.</summary>
public interface IChannelAdapter
{
    /// <summary>The channel this adapter serves, as in <see cref="ConversationAddress.ChannelId"/>.</summary>
    string ChannelId { get; }

    /// <summary>How fast this channel lets a bot send; the outbound queue keeps to it.</summary>
    ChannelRateLimits Limits => ChannelRateLimits.Unlimited;

    /// <summary>Sends one message; never throws for channel answers, which come back as the result.</summary>
    Task<SendResult> SendAsync(ConversationAddress to, OutboundMessage message, CancellationToken cancellationToken);
}

/// <summary>Channels whose button presses must be acknowledged after the turn (Telegram callback queries).</summary>
public interface IInteractionResponder
{
    string ChannelId { get; }

    /// <summary>Acknowledges <paramref name="message"/>'s press; <paramref name="notice"/> is a short text to show, if any.</summary>
    Task RespondAsync(InboundMessage message, InteractionOutcome outcome, string? notice, CancellationToken cancellationToken);
}

/// <summary>
/// A channel's published send limits: per conversation (rate and burst), per group conversation, and per
/// bot overall. Zero or less means unlimited.
/// </summary>
public sealed record ChannelRateLimits(
    double PerConversationPerSecond,
    int PerConversationBurst,
    double PerGroupPerMinute,
    double GlobalPerSecond,
    int GlobalBurst)
{
    public static readonly ChannelRateLimits Unlimited = new(0, 0, 0, 0, 0);
}

/// <summary>The inbound half the host provides: adapters hand normalised messages to it and then acknowledge.</summary>
public interface IInboundSink
{
    /// <summary>Queues the message for processing; returns once it is safely queued.</summary>
    ValueTask<EnqueueResult> EnqueueAsync(InboundMessage message, CancellationToken cancellationToken);
}

public enum EnqueueResult
{
    Queued,

    /// <summary>The same channel message id was seen before; nothing was queued.</summary>
    Duplicate,

    /// <summary>The service is shutting down or over capacity; the channel should redeliver later.</summary>
    Rejected,
}
