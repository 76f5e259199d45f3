namespace ChatFeedback.Adapters;

/// <summary>What a customer did, mapped from a channel payload to channel-neutral terms.</summary>
/// <param name="MessageId">The channel's id for this message; a redelivery carries the same id.</param>
/// <param name="Conversation">Where it came from and where replies go.</param>
/// <param name="Kind">Typed text, a button press, or the conversation opening.</param>
/// <param name="Text">The typed text (commands included) for <see cref="InboundKind.Text"/>.</param>
/// <param name="Button">The pressed button for <see cref="InboundKind.Button"/>.</param>
/// <param name="Locale">The locale the channel reports for the customer (BCP 47), if any.</param>
/// <param name="ReceivedAt">When the channel says the customer acted.</param>
public sealed record InboundMessage(
    string MessageId,
    ConversationAddress Conversation,
    InboundKind Kind,
    string? Text,
    ButtonPress? Button,
    string? Locale,
    DateTimeOffset ReceivedAt)
{
    public static InboundMessage FromText(string messageId, ConversationAddress conversation, string text, string? locale, DateTimeOffset receivedAt) =>
        new(messageId, conversation, InboundKind.Text, text, null, locale, receivedAt);

    public static InboundMessage FromButton(string messageId, ConversationAddress conversation, ButtonPress button, string? locale, DateTimeOffset receivedAt) =>
        new(messageId, conversation, InboundKind.Button, null, button, locale, receivedAt);

    public static InboundMessage Opened(string messageId, ConversationAddress conversation, string? locale, DateTimeOffset receivedAt) =>
        new(messageId, conversation, InboundKind.ConversationOpened, null, null, locale, receivedAt);
}

public enum InboundKind
{
    Text,
    Button,

    /// <summary>The customer opened the conversation (web chat opened, bot added, <c>/start</c> without text).</summary>
    ConversationOpened,
}

/// <summary>A press of a button the service rendered: which question it belonged to and the value it carries.</summary>
public sealed record ButtonPress(string QuestionId, string Value);
