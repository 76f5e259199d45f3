namespace ChatFeedback.Bot.Scheduling;

/// <summary>
/// When the service may contact a customer: the time arithmetic of invitations, reminders and check-ins, kept pure
/// (no clock, no I/O) so every rule is a unit test. Quiet hours are a local time-of-day range in the customer's zone;
/// a start after the end means the range crosses midnight; start equal to end means there are none.
/// </summary>
public sealed class ContactTimePolicy(InvitationOptions invitations, CheckInOptions checkIns)
{
    private readonly TimeSpan _quietStart = invitations.QuietHoursStart;
    private readonly TimeSpan _quietEnd = invitations.QuietHoursEnd;

    /// <summary>The zone for an IANA id (Windows ids work too), or null when the id is empty or unknown.</summary>
    public static TimeZoneInfo? FindZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }

    /// <summary>The customer's zone, else the configured default (validated at start-up, so it exists).</summary>
    public TimeZoneInfo ZoneOf(string? customerZone) =>
        FindZone(customerZone) ?? FindZone(invitations.DefaultTimeZone) ?? TimeZoneInfo.Utc;

    public bool IsQuiet(DateTimeOffset at, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return IsQuietTimeOfDay(TimeZoneInfo.ConvertTime(at, zone).TimeOfDay);
    }

    /// <summary><paramref name="at"/> itself when it is outside quiet hours, else the instant the quiet period ends.</summary>
    public DateTimeOffset FirstAllowed(DateTimeOffset at, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(at, zone);
        if (!IsQuietTimeOfDay(local.TimeOfDay))
        {
            return at;
        }

        var endDay = local.Date;
        if (_quietStart > _quietEnd && local.TimeOfDay >= _quietStart)
        {
            endDay = endDay.AddDays(1); // the period crosses midnight and this is its evening part
        }

        return ToInstant(endDay + _quietEnd, zone);
    }

    /// <summary>The first allowed instant at or after <paramref name="at"/>, or null when there is none by <paramref name="deadline"/>.</summary>
    public DateTimeOffset? FirstAllowedBy(DateTimeOffset at, DateTimeOffset deadline, TimeZoneInfo zone)
    {
        var allowed = FirstAllowed(at, zone);
        return allowed <= deadline ? allowed : null;
    }

    /// <summary>When a new purchase's invitation is due, or why it cannot be sent at all.</summary>
    public ContactPlan PlanInvitation(DateTimeOffset purchasedAt, DateTimeOffset now, TimeZoneInfo zone)
    {
        var deadline = purchasedAt + invitations.SendWindow;
        var earliest = Max(purchasedAt + invitations.Delay, now);
        return FirstAllowedBy(earliest, deadline, zone) is { } due
            ? new ContactPlan(due, deadline, null)
            : new ContactPlan(null, deadline, $"no time outside quiet hours within {Hours(invitations.SendWindow)} of the purchase");
    }

    /// <summary>When the one reminder of an invitation sent at <paramref name="sentAt"/> is due; null = none fits before it expires.</summary>
    public DateTimeOffset? PlanReminder(DateTimeOffset sentAt, TimeZoneInfo zone) =>
        FirstAllowedBy(sentAt + invitations.ReminderAfter, sentAt + invitations.ExpireAfter, zone);

    /// <summary>When an invitation sent at <paramref name="sentAt"/> expires.</summary>
    public DateTimeOffset ExpiryOf(DateTimeOffset sentAt) => sentAt + invitations.ExpireAfter;

    /// <summary>A check-in for an event at <paramref name="eventAt"/>: due after the delay (the flow's, else the configured one), out of quiet hours, by the window.</summary>
    public ContactPlan PlanCheckIn(DateTimeOffset eventAt, TimeSpan? delay, DateTimeOffset now, TimeZoneInfo zone)
    {
        var deadline = eventAt + checkIns.Window;
        var wanted = delay is { } d && d >= TimeSpan.Zero && d < checkIns.Window ? d : checkIns.Delay;
        return FirstAllowedBy(Max(eventAt + wanted, now), deadline, zone) is { } due
            ? new ContactPlan(due, deadline, null)
            : new ContactPlan(null, deadline, $"no time outside quiet hours within {Hours(checkIns.Window)} of the event");
    }

    /// <summary>A send that finds the customer busy in another flow moves on by the postponement, if that still fits.</summary>
    public DateTimeOffset? Postpone(DateTimeOffset now, DateTimeOffset deadline, TimeZoneInfo zone) =>
        FirstAllowedBy(now + invitations.BusyPostpone, deadline, zone);

    private bool IsQuietTimeOfDay(TimeSpan timeOfDay) =>
        _quietStart < _quietEnd
            ? timeOfDay >= _quietStart && timeOfDay < _quietEnd
            : _quietStart > _quietEnd && (timeOfDay >= _quietStart || timeOfDay < _quietEnd);

    /// <summary>
    /// The instant a local wall-clock time names. A time skipped by a DST change moves forward to the first one that
    /// exists; a time that happens twice is taken the first time.
    /// </summary>
    internal static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static string Hours(TimeSpan span) => $"{span.TotalHours:0.#} hours";
}

/// <summary>When to contact (<see cref="DueAt"/>), by when at the latest, or why not at all (<see cref="SkipReason"/>).</summary>
public sealed record ContactPlan(DateTimeOffset? DueAt, DateTimeOffset Deadline, string? SkipReason);
