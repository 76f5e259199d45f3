using ChatFeedback.Bot.Records;

namespace ChatFeedback.Bot.Scheduling;

/// <summary>Adds audit-trail rows for the state changes the scheduler and the case API make.</summary>
internal static class AuditLog
{
    public const string Scheduler = "scheduler";

    // The records' own audit row (RecordChanges.Audit), with the row id as the entity id.
    public static void Add(RecordsDbContext db, DateTimeOffset at, string entity, Guid id, string action, string actor, string? detail = null) =>
        db.Audit(at, entity, id, action, actor, detail);
}
