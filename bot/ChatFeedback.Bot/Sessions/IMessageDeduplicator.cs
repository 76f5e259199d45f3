namespace ChatFeedback.Bot.Sessions;

/// <summary>Exactly-once admission of channel messages: a redelivered message id is recognised and dropped.</summary>
public interface IMessageDeduplicator
{
    /// <summary>
    /// True the first time a message id is seen in a conversation (<c>ConversationAddress.Key</c>, which
    /// names the channel) within the dedupe window; false for a repeat.
    /// </summary>
    ValueTask<bool> TryBeginAsync(string conversationKey, string messageId);

    /// <summary>Undoes <see cref="TryBeginAsync"/> for a message that could not be queued, so its redelivery is processed.</summary>
    ValueTask ForgetAsync(string conversationKey, string messageId);
}
