using ChatFeedback.Adapters;
using ChatFeedback.Dialogs;

namespace ChatFeedback.Bot.Conversations;

/// <summary>The one place that knows both dialog and channel types: engine input from inbound messages, outbound messages from replies.</summary>
public static class ReplyMapper
{
    /// <summary>A reply as a channel message; a question is keyed by <see cref="QuestionKeys"/> within <paramref name="flowId"/>.</summary>
    public static OutboundMessage ToOutbound(Reply reply, string? flowId)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return new OutboundMessage(reply.Text, reply.Prompt is { } prompt ? ToQuestion(prompt, flowId) : null);
    }

    public static OutboundQuestion ToQuestion(Prompt prompt, string? flowId)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return new OutboundQuestion(
            QuestionKeys.For(flowId ?? string.Empty, prompt.StepId),
            ToKind(prompt.Kind),
            prompt.Options.Select(o => new OutboundOption(o.Value, o.Label)).ToList(),
            prompt.Optional)
        {
            SkipLabel = prompt.SkipLabel,
        };
    }

    /// <summary>
    /// The open step when the press carries the open question's key; null for a press of any other (older, or
    /// forged) question, which the engine then answers as stale.
    /// </summary>
    private static string? OpenStepPressed(ButtonPress button, DialogState state) =>
        state is { FlowId: { } flowId, StepId: { } stepId } && string.Equals(button.QuestionId, QuestionKeys.For(flowId, stepId), StringComparison.Ordinal)
            ? stepId
            : null;

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
            InboundKind.Button when message.Button is { } button => DialogInput.Pressed(OpenStepPressed(button, state) ?? string.Empty, button.Value),
            InboundKind.ConversationOpened => state.IsIdle ? DialogInput.Start() : DialogInput.Resume,
            InboundKind.Scheduled when message.StartFlowId is { } flowId => DialogInput.Start(flowId),
            _ => null,
        };
    }
}
