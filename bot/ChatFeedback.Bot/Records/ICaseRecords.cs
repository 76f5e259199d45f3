namespace ChatFeedback.Bot.Records;

/// <summary>Cases as the records store keeps them; opened by <see cref="RecordsEffectHandler"/> from the engine's OpenCase.</summary>
public interface ICaseRecords
{
    /// <summary>
    /// The case a turn opened, found by its conversation and channel message: effect handlers that run after the
    /// turn (hand-off) use it, since the case is committed before they run.
    /// </summary>
    Task<Case?> FindOpenedByAsync(string conversationKey, string messageId, CancellationToken cancellationToken);

    /// <summary>The ids of the cases a turn opened (one, or more when one message opened several), oldest first.</summary>
    Task<IReadOnlyList<Guid>> FindIdsOpenedByAsync(string conversationKey, string messageId, CancellationToken cancellationToken);

    /// <summary>A case with its timeline, or null.</summary>
    Task<Case?> FindAsync(Guid caseId, CancellationToken cancellationToken);
}
