using System.Globalization;
using ChatFeedback.Bot.Records;

namespace ChatFeedback.Bot.Scheduling;

/// <summary>Adds audit-trail rows for the state changes the scheduler and the case API make.</summary>
internal static class AuditLog
{
    public const string Scheduler = "scheduler";

    public static void Add(RecordsDbContext db, DateTimeOffset at, string entity, Guid id, string action, string actor, string? detail = null) =>
        db.AuditEntries.Add(new AuditEntry
        {
            At = at,
            Entity = entity,
            EntityId = id.ToString("D", CultureInfo.InvariantCulture),
            Action = action,
            Actor = actor,
            Detail = detail,
        });
}
