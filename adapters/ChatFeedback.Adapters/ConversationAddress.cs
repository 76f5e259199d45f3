namespace ChatFeedback.Adapters;

/// <summary>Where a conversation lives: enough for the channel to send into it again, proactively too.</summary>
/// <param name="ChannelId">The channel's stable name: <c>webchat</c>, <c>telegram</c>, <c>msteams</c>.</param>
/// <param name="ConversationId">The channel's conversation (chat) id.</param>
/// <param name="UserId">The customer's id on the channel, when the channel has one.</param>
/// <param name="ServiceUrl">The channel's endpoint for this conversation (Bot Connector), when it has one.</param>
/// <param name="TenantId">The customer's tenant (Teams), when there is one.</param>
/// <param name="IsGroup">A group conversation (stricter send limits, mentions).</param>
public sealed record ConversationAddress(
    string ChannelId,
    string ConversationId,
    string? UserId = null,
    string? ServiceUrl = null,
    string? TenantId = null,
    bool IsGroup = false)
{
    /// <summary>One key per conversation across channels, used for ordering, sessions and dedupe.</summary>
    public string Key => $"{ChannelId}:{ConversationId}";
}
