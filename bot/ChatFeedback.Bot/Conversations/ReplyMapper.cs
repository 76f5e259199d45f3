using ChatFeedback.Adapters;
using ChatFeedback.Dialogs;

namespace ChatFeedback.Bot.Conversations;

/// <summary>The one place that knows both dialog and channel types: engine input from inbound messages, outbound messages from replies.</summary>
public static class ReplyMapper
{
    public static OutboundMessage ToOutbound(Reply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return new OutboundMessage(reply.Text, reply.Prompt is { } prompt ? ToQuestion(prompt) : null);
    }

    public static OutboundQuestion ToQuestion(Prompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return new OutboundQuestion(
            prompt.StepId,
            ToKind(prompt.Kind),
            prompt.Options.Select(o => new OutboundOption(o.Value, o.Label)).ToList(),
            prompt.Optional);
    }

    public static QuestionKind ToKind(PromptKind kind) => kind switch
    {
        PromptKind.Choice => QuestionKind.Choice,
        PromptKind.Rating => QuestionKind.Rating,
        PromptKind.YesNo => QuestionKind.YesNo,
        PromptKind.Text => QuestionKind.FreeText,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown prompt kind."),
    };

    /// <summary>
    /// The engine input for an inbound message, or null when the message carries nothing usable (a button
    /// message without its button). Opening a conversation starts the entry flow when idle and asks the open question again otherwise.
    /// </summary>
    public static DialogInput? ToInput(InboundMessage message, DialogState state)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(state);
        return message.Kind switch
        {
            InboundKind.Text => DialogInput.Typed(message.Text ?? string.Empty),
            InboundKind.Button when message.Button is { } button => DialogInput.Pressed(button.QuestionId, button.Value),
            InboundKind.ConversationOpened => state.IsIdle ? DialogInput.Start() : DialogInput.Resume,
            _ => null,
        };
    }
}
