using ChatFeedback.Adapters;
using ChatFeedback.Bot.Records;
using ChatFeedback.Bot.Sessions;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Scheduling;

/// <summary>What a proactive send found when it looked at the customer's conversation.</summary>
public enum ConversationCheck
{
    /// <summary>Free to start a flow.</summary>
    Free,

    /// <summary>The session says the customer opted out (the records may not know yet).</summary>
    OptedOut,

    /// <summary>Another flow is running and was touched recently: do not interrupt.</summary>
    Busy,
}

/// <summary>
/// Starts flows in customers' conversations: picks the channel identity to use, looks at the session before
/// interrupting, and queues the start as a <see cref="InboundKind.Scheduled"/> turn on the turn queue, deduplicated on
/// the firing's message id.
/// </summary>
/// <remarks>
/// The turn queue is resolved on first send, not injected: the queue's turns reach the scheduling services (effect
/// handlers, the follow-up planner), so a constructor dependency risks a cycle.
/// </remarks>
public sealed partial class ProactiveSender(ISessionStore sessions, IServiceProvider services, IOptions<InvitationOptions> options, ILogger<ProactiveSender> logger)
{
    private IInboundSink Turns => field ??= services.GetRequiredService<IInboundSink>();

    /// <summary>
    /// The identity to reach the customer on: the one named by <paramref name="preferredKey"/> if still reachable, else
    /// the most recently seen reachable one, private chats before groups.
    /// </summary>
    public static ChannelIdentity? PickIdentity(IEnumerable<ChannelIdentity> identities, string? preferredKey = null)
    {
        var reachable = identities.Where(i => i.UnreachableAt is null).ToList();
        return reachable.FirstOrDefault(i => preferredKey is not null && AddressOf(i).Key == preferredKey)
            ?? reachable.OrderBy(i => i.IsGroup).ThenByDescending(i => i.LastSeenAt).FirstOrDefault();
    }

    public static ConversationAddress AddressOf(ChannelIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return new ConversationAddress(identity.ChannelId, identity.ConversationId, identity.UserId, identity.ServiceUrl, identity.TenantId, identity.IsGroup);
    }

    public async Task<ConversationCheck> CheckAsync(ConversationAddress address, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        var session = await sessions.LoadAsync(address.Key, cancellationToken);
        if (session is { OptedOut: true })
        {
            return ConversationCheck.OptedOut;
        }

        return session is { State.IsIdle: false } && now - session.UpdatedAt < options.Value.BusyPostpone
            ? ConversationCheck.Busy
            : ConversationCheck.Free;
    }

    /// <summary>Queues the flow start; false when the queue refused it (the host is stopping).</summary>
    public async Task<bool> StartFlowAsync(string messageId, ConversationAddress address, string flowId, string? locale, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var result = await Turns.EnqueueAsync(InboundMessage.Scheduled(messageId, address, flowId, locale, now), cancellationToken);
        Started(messageId, flowId, address.Key, result);
        return result != EnqueueResult.Rejected;
    }

    [LoggerMessage(LogLevel.Debug, "Scheduled start {MessageId} of {FlowId} in {ConversationKey}: {Result}")]
    private partial void Started(string messageId, string flowId, string conversationKey, EnqueueResult result);
}
