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
    /// <summary>The press still to be acknowledged on the channel once the turn is done (Telegram callback query).</summary>
    public Interaction? Interaction { get; init; }

    /// <summary>An opaque token the customer arrived with (Telegram <c>/start TOKEN</c> deep link).</summary>
    public string? StartToken { get; init; }

    /// <summary>For <see cref="InboundKind.ConversationMoved"/>: the conversation id that replaces this one.</summary>
    public string? MovedTo { get; init; }

    /// <summary>For <see cref="InboundKind.Scheduled"/>: the flow the service starts in this conversation.</summary>
    public string? StartFlowId { get; init; }

    public static InboundMessage FromText(string messageId, ConversationAddress conversation, string text, string? locale, DateTimeOffset receivedAt) =>
        new(messageId, conversation, InboundKind.Text, text, null, locale, receivedAt);

    public static InboundMessage FromButton(string messageId, ConversationAddress conversation, ButtonPress button, string? locale, DateTimeOffset receivedAt) =>
        new(messageId, conversation, InboundKind.Button, null, button, locale, receivedAt);

    /// <summary>
    /// A turn the service starts itself (a survey invitation, a reminder, a check-in), queued like a customer's
    /// message so it runs in order with theirs. <paramref name="messageId"/> names the job's firing (e.g.
    /// <c>invitation:{id}</c>), so the same firing is never run twice.
    /// </summary>
    public static InboundMessage Scheduled(string messageId, ConversationAddress conversation, string flowId, string? locale, DateTimeOffset at) =>
        new(messageId, conversation, InboundKind.Scheduled, null, null, locale, at) { StartFlowId = flowId };

    public static InboundMessage Opened(string messageId, ConversationAddress conversation, string? locale, DateTimeOffset receivedAt) =>
        new(messageId, conversation, InboundKind.ConversationOpened, null, null, locale, receivedAt);
}

public enum InboundKind
{
    Text,
    Button,

    /// <summary>The customer opened the conversation (web chat opened, bot added, a deep link's <c>/start TOKEN</c>).</summary>
    ConversationOpened,

    /// <summary>The customer blocked or removed the bot: record it and send nothing more.</summary>
    ChannelLeft,

    /// <summary>The channel moved the conversation to a new id (Telegram group upgraded to a supergroup).</summary>
    ConversationMoved,

    /// <summary>The service starts a flow proactively (<see cref="InboundMessage.StartFlowId"/>); never sent to an opted-out customer.</summary>
    Scheduled,
}

/// <summary>
/// A press the channel wants answered once the turn knows whether it counted: its id on the channel, the
/// message that carried the buttons, that message's text and the pressed button's label.
/// </summary>
public sealed record Interaction(string Id, string? SourceMessageId, string? SourceText, string? ChosenLabel)
{
    /// <summary>Set by an adapter that can answer the press in the channel's HTTP response (Telegram webhook reply).</summary>
    public InlineAnswer? Inline { get; init; }
}

/// <summary>
/// The answer to a press, handed from the turn to an adapter that is still holding the channel's request, so the
/// answer goes back in the response instead of as an API call. Whoever comes first decides: the turn's
/// <see cref="TryAnswer"/> (answer inline), or the adapter's <see cref="StopWaiting"/> (answer by API).
/// </summary>
public sealed class InlineAnswer
{
    private readonly TaskCompletionSource<string?> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the notice to show (null for none) once the turn hands the answer over.</summary>
    public Task<string?> Answer => _answer.Task;

    /// <summary>True once the answer has been handed over: it goes in the response, never by API.</summary>
    public bool AnsweredInline => _answer.Task.IsCompletedSuccessfully;

    /// <summary>Hands the answer over; false when the adapter has stopped waiting (then answer by API).</summary>
    public bool TryAnswer(string? notice) => _answer.TrySetResult(notice);

    /// <summary>
    /// Stops waiting for the answer (later <see cref="TryAnswer"/> calls fail). True when it was not handed over, so
    /// the caller must answer another way; false when it goes inline.
    /// </summary>
    public bool StopWaiting()
    {
        _answer.TrySetCanceled();
        return !AnsweredInline;
    }
}

public enum InteractionOutcome
{
    /// <summary>The press answered the open question.</summary>
    Accepted,

    /// <summary>The press belonged to a question that is no longer open; nothing changed.</summary>
    Stale,

    /// <summary>The press was handled as something other than an answer (a command, a restart).</summary>
    Other,
}

/// <summary>A press of a button the service rendered: which question it belonged to and the value it carries.</summary>
public sealed record ButtonPress(string QuestionId, string Value);
