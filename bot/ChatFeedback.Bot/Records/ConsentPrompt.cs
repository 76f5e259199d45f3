using ChatFeedback.Adapters;
using ChatFeedback.Dialogs;

namespace ChatFeedback.Bot.Records;

/// <summary>
/// Writing again does not opt a customer back in: when an opted-out customer comes back to the start (a greeting,
/// <c>/start</c>, the menu), the <c>consent</c> flow asks them instead, once after each opt-out and once per new
/// conversation (session) at most. Commands and shortcuts (<c>/complaint</c>, <c>/delete</c>) still work unasked.
/// </summary>
public static class ConsentPrompt
{
    /// <summary>The flow that asks (dialogs/flows/consent.yaml); without it, nobody is asked.</summary>
    public const string FlowId = "consent";

    public static bool IsDue(CustomerSnapshot? customer, bool newConversation, InboundMessage message, DialogTurn turn, FlowCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(catalog);
        if (customer is not { OptedOutAt: { } optedOutAt }
            || (customer.ConsentAskedAt >= optedOutAt && !newConversation)
            || message.Kind is not (InboundKind.Text or InboundKind.ConversationOpened)
            || message.StartToken is not null)
        {
            return false;
        }

        var entry = catalog.Global.EntryFlow;
        return turn.Effects.Any(e => e is FlowStarted started && started.FlowId == entry) && catalog.FindLatest(FlowId) is not null;
    }
}
