namespace ChatFeedback.Adapters;

/// <summary>The outbound half of a channel: renders and sends replies into a conversation.</summary>
public interface IChannelAdapter
{
    /// <summary>The channel this adapter serves, as in <see cref="ConversationAddress.ChannelId"/>.</summary>
    string ChannelId { get; }

    /// <summary>Sends one message; never throws for channel answers, which come back as the result.</summary>
    Task<SendResult> SendAsync(ConversationAddress to, OutboundMessage message, CancellationToken cancellationToken);
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
