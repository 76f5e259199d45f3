namespace ChatFeedback.Adapters.WebChat;

/// <summary>A web chat conversation as the store knows it.</summary>
/// <param name="Id">The conversation id handed to the browser.</param>
/// <param name="Locale">The locale the customer chose when opening it, if any.</param>
/// <param name="CreatedAt">When it was opened.</param>
public sealed record WebChatConversation(string Id, string? Locale, DateTimeOffset CreatedAt);

/// <summary>One outbound message in a conversation's transcript.</summary>
/// <param name="Seq">Position in the conversation, from 1, increasing by one per message.</param>
/// <param name="Message">What the service said.</param>
/// <param name="SentAt">When the adapter stored it.</param>
public sealed record WebChatTranscriptEntry(long Seq, OutboundMessage Message, DateTimeOffset SentAt);

/// <summary>
/// Conversations of the web chat and what the service said in each, so that a browser can fetch, resume
/// and stream them. Bounded per conversation; idle conversations expire.
/// </summary>
public interface IWebChatTranscriptStore
{
    /// <summary>Opens a new conversation; null when the store is full.</summary>
    ValueTask<WebChatConversation?> CreateAsync(string conversationId, string? locale, CancellationToken cancellationToken);

    /// <summary>The conversation, or null when unknown or expired.</summary>
    ValueTask<WebChatConversation?> FindAsync(string conversationId, CancellationToken cancellationToken);

    /// <summary>Records activity from the customer so the conversation does not expire; false when unknown or expired.</summary>
    ValueTask<bool> TouchAsync(string conversationId, CancellationToken cancellationToken);

    /// <summary>Forgets a conversation and ends its watchers.</summary>
    ValueTask RemoveAsync(string conversationId, CancellationToken cancellationToken);

    /// <summary>Appends an outbound message and wakes watchers; null when the conversation is unknown or expired.</summary>
    ValueTask<WebChatTranscriptEntry?> AppendAsync(string conversationId, OutboundMessage message, CancellationToken cancellationToken);

    /// <summary>Messages with <see cref="WebChatTranscriptEntry.Seq"/> greater than <paramref name="afterSeq"/>, oldest first; null when unknown.</summary>
    ValueTask<IReadOnlyList<WebChatTranscriptEntry>?> ReadAfterAsync(string conversationId, long afterSeq, CancellationToken cancellationToken);

    /// <summary>
    /// Messages after <paramref name="afterSeq"/>, then each new one as it is appended, until cancelled or the
    /// conversation is removed or expires.
    /// </summary>
    IAsyncEnumerable<WebChatTranscriptEntry> WatchAsync(string conversationId, long afterSeq, CancellationToken cancellationToken);
}
