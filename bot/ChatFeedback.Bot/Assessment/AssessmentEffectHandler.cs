using ChatFeedback.Bot.Effects;
using ChatFeedback.Bot.Records;
using ChatFeedback.Dialogs;

namespace ChatFeedback.Bot.Assessment;

/// <summary>
/// Hands every case a turn opened to the assessment queue, after the turn's records and session are saved and before its
/// replies are queued: finding the case is one indexed read, and nothing waits for the assessment itself.
/// </summary>
internal sealed class AssessmentEffectHandler(ICaseRecords cases, IAssessmentQueue queue) : IEffectHandler
{
    public async ValueTask HandleAsync(EffectContext context, DialogEffect effect, CancellationToken cancellationToken)
    {
        if (effect is not OpenCase)
        {
            return;
        }

        foreach (var caseId in await cases.FindIdsOpenedByAsync(context.Conversation.Key, context.MessageId, cancellationToken))
        {
            queue.TryEnqueue(new AssessmentRequest(caseId, CaseAssessor.OpenedTrigger));
        }
    }
}
