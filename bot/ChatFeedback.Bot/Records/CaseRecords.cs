using Microsoft.EntityFrameworkCore;

namespace ChatFeedback.Bot.Records;

/// <summary><see cref="ICaseRecords"/> over the records store.</summary>
internal sealed class CaseRecords(IDbContextFactory<RecordsDbContext> contexts) : ICaseRecords
{
    public async Task<Case?> FindOpenedByAsync(string conversationKey, string messageId, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        return await db.Cases.AsNoTracking().Include(c => c.Events)
            .FirstOrDefaultAsync(c => c.ConversationKey == conversationKey && c.SourceMessageId == messageId, cancellationToken);
    }

    public async Task<IReadOnlyList<Guid>> FindIdsOpenedByAsync(string conversationKey, string messageId, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var second = messageId + "#";
        return await db.Cases.AsNoTracking()
            .Where(c => c.ConversationKey == conversationKey && (c.SourceMessageId == messageId || c.SourceMessageId.StartsWith(second)))
            .OrderBy(c => c.OpenedAt)
            .Select(c => c.Id)
            .ToListAsync(cancellationToken);
    }

    public async Task<Case?> FindAsync(Guid caseId, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        return await db.Cases.AsNoTracking().Include(c => c.Events).FirstOrDefaultAsync(c => c.Id == caseId, cancellationToken);
    }
}
