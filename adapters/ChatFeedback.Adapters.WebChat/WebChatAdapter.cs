using Microsoft.Extensions.Logging;

namespace ChatFeedback.Adapters.WebChat;

/// <summary>
/// Sends into a web chat by appending to the conversation's transcript; browsers fetch it or get it streamed.
/// </summary>
public sealed class WebChatAdapter(IWebChatTranscriptStore store, ILogger<WebChatAdapter> logger) : IChannelAdapter
{
    /// <summary>The channel id of the web chat.</summary>
    public const string Channel = "webchat";

    public string ChannelId => Channel;

    public async Task<SendResult> SendAsync(ConversationAddress to, OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(message);
        if (!string.Equals(to.ChannelId, Channel, StringComparison.Ordinal))
        {
            return SendResult.Failed($"The web chat adapter cannot send to channel '{to.ChannelId}'.");
        }

        try
        {
            var entry = await store.AppendAsync(to.ConversationId, message, cancellationToken);
            return entry is null
                ? SendResult.Unreachable("The web chat conversation is unknown or has expired.")
                : SendResult.Delivered;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Storing a web chat message for {ConversationId} failed", to.ConversationId);
            return SendResult.Retry(null, "The web chat transcript store failed.");
        }
    }
}
