using ChatFeedback.Dialogs;

namespace ChatFeedback.Bot.Effects;

/// <summary>
/// Writes every effect to the log as a structured event, next to the records the turn committed and the other
/// <see cref="IEffectHandler"/>s. Effects happen on every turn, so they are Debug: the records hold the facts, and
/// production logs at Information carry no per-turn lines (and free text never, at any level: only its length).
/// </summary>
internal sealed partial class LoggingEffectHandler(ILogger<LoggingEffectHandler> logger) : IEffectHandler
{
    public ValueTask HandleAsync(EffectContext context, DialogEffect effect, CancellationToken cancellationToken)
    {
        var conversation = context.Conversation.Key;
        switch (effect)
        {
            case AnswerRecorded a when a.Kind == StepKind.Text:
                // Free text may hold personal data: log its size, not its words.
                TextAnswerRecorded(conversation, a.FlowId, a.FlowVersion, a.StepId, a.Value.Length);
                break;
            case AnswerRecorded a:
                AnswerRecorded(conversation, a.FlowId, a.FlowVersion, a.StepId, a.Value, a.Score, a.Metric, a.Dimension);
                break;
            case AnswerSkipped s:
                AnswerSkipped(conversation, s.FlowId, s.FlowVersion, s.StepId, s.Reason);
                break;
            case OpenCase c:
                CaseRequested(conversation, c.Category, c.Severity, c.FlowId, c.Answers.Count);
                break;
            case RequestHandoff h:
                HandoffRequested(conversation, h.Reason, h.FlowId);
                break;
            case ScheduleFollowUp f:
                FollowUpRequested(conversation, f.FlowId, f.After);
                break;
            case AddTag t:
                TagAdded(t.Tag, conversation);
                break;
            case OptOut:
                OptedOut(conversation);
                break;
            case OptIn:
                OptedIn(conversation);
                break;
            case EraseData:
                DataErased(conversation);
                break;
            case FlowStarted s:
                FlowStarted(s.FlowId, s.FlowVersion, conversation);
                break;
            case FlowEnded e:
                FlowEnded(e.FlowId, e.FlowVersion, conversation, e.Reason);
                break;
            default:
                UnknownEffect(effect.GetType().Name, conversation);
                break;
        }

        return ValueTask.CompletedTask;
    }

    [LoggerMessage(LogLevel.Debug, "Answer recorded in {ConversationKey}: {FlowId} v{FlowVersion} {StepId} = ({Length} characters of text)")]
    private partial void TextAnswerRecorded(string conversationKey, string flowId, int flowVersion, string stepId, int length);

    [LoggerMessage(LogLevel.Debug, "Answer recorded in {ConversationKey}: {FlowId} v{FlowVersion} {StepId} = {Value} (score {Score}, metric {Metric}, dimension {Dimension})")]
    private partial void AnswerRecorded(string conversationKey, string flowId, int flowVersion, string stepId, string value, int? score, string? metric, string? dimension);

    [LoggerMessage(LogLevel.Debug, "Answer skipped in {ConversationKey}: {FlowId} v{FlowVersion} {StepId} ({Reason})")]
    private partial void AnswerSkipped(string conversationKey, string flowId, int flowVersion, string stepId, string reason);

    [LoggerMessage(LogLevel.Debug, "Case requested in {ConversationKey}: {Category}, severity {Severity}, from {FlowId} with {AnswerCount} answers")]
    private partial void CaseRequested(string conversationKey, string category, Severity severity, string flowId, int answerCount);

    [LoggerMessage(LogLevel.Debug, "Hand-off requested in {ConversationKey}: {Reason} (flow {FlowId})")]
    private partial void HandoffRequested(string conversationKey, string reason, string? flowId);

    [LoggerMessage(LogLevel.Debug, "Follow-up requested in {ConversationKey}: {FlowId} after {After}")]
    private partial void FollowUpRequested(string conversationKey, string flowId, TimeSpan after);

    [LoggerMessage(LogLevel.Debug, "Tag {Tag} added in {ConversationKey}")]
    private partial void TagAdded(string tag, string conversationKey);

    [LoggerMessage(LogLevel.Debug, "Customer in {ConversationKey} opted out")]
    private partial void OptedOut(string conversationKey);

    [LoggerMessage(LogLevel.Debug, "Customer in {ConversationKey} opted in again")]
    private partial void OptedIn(string conversationKey);

    [LoggerMessage(LogLevel.Debug, "Customer in {ConversationKey} had their data erased")]
    private partial void DataErased(string conversationKey);

    [LoggerMessage(LogLevel.Debug, "Flow {FlowId} v{FlowVersion} started in {ConversationKey}")]
    private partial void FlowStarted(string flowId, int flowVersion, string conversationKey);

    [LoggerMessage(LogLevel.Debug, "Flow {FlowId} v{FlowVersion} ended in {ConversationKey}: {Reason}")]
    private partial void FlowEnded(string flowId, int flowVersion, string conversationKey, FlowEndReason reason);

    [LoggerMessage(LogLevel.Warning, "Unhandled effect {Effect} in {ConversationKey}")]
    private partial void UnknownEffect(string effect, string conversationKey);
}
