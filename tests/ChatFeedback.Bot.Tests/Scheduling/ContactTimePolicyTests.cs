using ChatFeedback.Bot.Scheduling;

namespace ChatFeedback.Bot.Tests.Scheduling;

public sealed class ContactTimePolicyTests
{
    private static readonly ContactTimePolicy Default = new(new InvitationOptions(), new CheckInOptions());
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly TimeZoneInfo LosAngeles = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2025, month, day, hour, minute, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(12, 59, false)] // 20:59 local: last allowed minute
    [InlineData(13, 0, true)] // 21:00 local: quiet starts
    [InlineData(16, 0, true)] // midnight local
    [InlineData(0, 59, true)] // 08:59 local next day
    [InlineData(1, 0, false)] // 09:00 local: quiet ends
    public void QuietHoursCrossMidnightInTheCustomersZone(int utcHour, int minute, bool quiet) =>
        Assert.Equal(quiet, Default.IsQuiet(Utc(3, 14, utcHour, minute), Shanghai));

    [Fact]
    public void ATimeInsideQuietHoursMovesToTheirEnd()
    {
        Assert.Equal(Utc(3, 15, 1), Default.FirstAllowed(Utc(3, 14, 14), Shanghai)); // 22:00 -> 09:00 next day
        Assert.Equal(Utc(3, 15, 1), Default.FirstAllowed(Utc(3, 14, 20), Shanghai)); // 04:00 -> 09:00 same day
        Assert.Equal(Utc(3, 14, 12, 59), Default.FirstAllowed(Utc(3, 14, 12, 59), Shanghai)); // allowed stays
    }

    [Fact]
    public void ZonesWestOfUtcMoveToTheirOwnMorning()
    {
        // 2025-03-14 05:00Z is 22:00 on the 13th in Los Angeles (PDT, UTC-7): quiet until 09:00 PDT = 16:00Z.
        Assert.True(Default.IsQuiet(Utc(3, 14, 5), LosAngeles));
        Assert.Equal(Utc(3, 14, 16), Default.FirstAllowed(Utc(3, 14, 5), LosAngeles));
    }

    [Fact]
    public void TheEndOfQuietHoursFollowsDaylightSavingTime()
    {
        // Berlin springs forward on 2025-03-30 (02:00 CET -> 03:00 CEST): 09:00 that morning is 07:00Z, not 08:00Z.
        Assert.Equal(Utc(3, 30, 7), Default.FirstAllowed(Utc(3, 29, 22), Berlin));
        // and falls back on 2025-10-26: 09:00 CET is 08:00Z.
        Assert.Equal(Utc(10, 26, 8), Default.FirstAllowed(Utc(10, 25, 22), Berlin));
    }

    [Fact]
    public void AnEndInsideTheSpringForwardGapMovesToTheFirstRealMinute()
    {
        // Quiet 01:00-02:30: on 2025-03-30 02:30 does not exist in Berlin; the first minute after it is 03:00 CEST = 01:00Z.
        var policy = new ContactTimePolicy(new InvitationOptions { QuietHoursStart = TimeSpan.FromHours(1), QuietHoursEnd = new TimeSpan(2, 30, 0) }, new CheckInOptions());
        Assert.Equal(Utc(3, 30, 1), policy.FirstAllowed(Utc(3, 30, 0, 30), Berlin));
    }

    [Fact]
    public void AnAmbiguousEndIsTakenTheFirstTime()
    {
        // Quiet 00:00-02:30: on 2025-10-26 02:30 happens twice in Berlin; the first is 02:30 CEST = 00:30Z.
        var policy = new ContactTimePolicy(new InvitationOptions { QuietHoursStart = TimeSpan.Zero, QuietHoursEnd = new TimeSpan(2, 30, 0) }, new CheckInOptions());
        Assert.Equal(new DateTimeOffset(2025, 10, 26, 0, 30, 0, TimeSpan.Zero), policy.FirstAllowed(Utc(10, 25, 22, 30), Berlin));
    }

    [Fact]
    public void QuietHoursWithinOneDayAndNoQuietHoursAtAll()
    {
        var lunch = new ContactTimePolicy(new InvitationOptions { QuietHoursStart = TimeSpan.FromHours(12), QuietHoursEnd = TimeSpan.FromHours(13) }, new CheckInOptions());
        Assert.Equal(Utc(3, 14, 13), lunch.FirstAllowed(Utc(3, 14, 12, 30), TimeZoneInfo.Utc));
        Assert.False(lunch.IsQuiet(Utc(3, 14, 23), TimeZoneInfo.Utc));

        var never = new ContactTimePolicy(new InvitationOptions { QuietHoursStart = TimeSpan.FromHours(9), QuietHoursEnd = TimeSpan.FromHours(9) }, new CheckInOptions());
        Assert.False(never.IsQuiet(Utc(3, 14, 3), TimeZoneInfo.Utc));
    }

    [Fact]
    public void AnInvitationIsDueTwoHoursAfterThePurchaseOrAtTheEndOfQuietHours()
    {
        var daytime = Default.PlanInvitation(Utc(3, 14, 2), Utc(3, 14, 2), Shanghai); // 10:00 local
        Assert.Equal(Utc(3, 14, 4), daytime.DueAt);
        Assert.Equal(Utc(3, 16, 2), daytime.Deadline);

        var evening = Default.PlanInvitation(Utc(3, 14, 12), Utc(3, 14, 12), Shanghai); // 20:00 local, +2 h is quiet
        Assert.Equal(Utc(3, 15, 1), evening.DueAt);
    }

    [Fact]
    public void ALateEventIsDueNowAndOneTooLateIsSkipped()
    {
        Assert.Equal(Utc(3, 15, 2), Default.PlanInvitation(Utc(3, 14, 2), Utc(3, 15, 2), Shanghai).DueAt);
        var tooLate = Default.PlanInvitation(Utc(3, 14, 2), Utc(3, 16, 3), Shanghai);
        Assert.Null(tooLate.DueAt);
        Assert.Contains("48 hours", tooLate.SkipReason, StringComparison.Ordinal);
    }

    [Fact]
    public void QuietHoursLeavingNoTimeInTheWindowSkipTheInvitation()
    {
        var almostAlways = new ContactTimePolicy(
            new InvitationOptions { QuietHoursStart = TimeSpan.FromHours(9) + TimeSpan.FromMinutes(1), QuietHoursEnd = TimeSpan.FromHours(9), SendWindow = TimeSpan.FromHours(3) },
            new CheckInOptions());
        Assert.Null(almostAlways.PlanInvitation(Utc(3, 14, 10), Utc(3, 14, 10), TimeZoneInfo.Utc).DueAt);
    }

    [Fact]
    public void TheReminderComesADayAfterSendingOutOfQuietHoursBeforeExpiry()
    {
        Assert.Equal(Utc(3, 16, 2), Default.PlanReminder(Utc(3, 15, 2), Shanghai)); // 10:00 local next day
        Assert.Equal(Utc(3, 17, 1), Default.PlanReminder(Utc(3, 15, 14), Shanghai)); // 22:00 local -> 09:00
        Assert.Equal(Utc(3, 17, 2), Default.ExpiryOf(Utc(3, 15, 2)));
    }

    [Fact]
    public void ACheckInIsDueAfterItsDelayAndNeverAfter72Hours()
    {
        var plan = Default.PlanCheckIn(Utc(3, 14, 2), TimeSpan.FromHours(48), Utc(3, 14, 2), Shanghai);
        Assert.Equal(Utc(3, 16, 2), plan.DueAt);
        Assert.Equal(Utc(3, 17, 2), plan.Deadline);

        var evening = Default.PlanCheckIn(Utc(3, 14, 14), null, Utc(3, 14, 14), Shanghai); // +48 h = 22:00 local
        Assert.Equal(Utc(3, 17, 1), evening.DueAt);
        Assert.True(evening.DueAt <= evening.Deadline);
    }

    [Fact]
    public void ABusyCustomerIsAskedAgainHalfAnHourLaterWithinTheWindow()
    {
        Assert.Equal(Utc(3, 14, 2, 30), Default.Postpone(Utc(3, 14, 2), Utc(3, 14, 5), Shanghai));
        Assert.Null(Default.Postpone(Utc(3, 14, 2), Utc(3, 14, 2, 10), Shanghai));
        Assert.Equal(Utc(3, 15, 1), Default.Postpone(Utc(3, 14, 12, 45), Utc(3, 16, 0), Shanghai)); // 21:15 local -> 09:00
    }

    [Fact]
    public void UnknownZonesFallBackToTheDefault()
    {
        Assert.Null(ContactTimePolicy.FindZone("Mars/Olympus"));
        Assert.Equal(TimeZoneInfo.Utc.BaseUtcOffset, Default.ZoneOf("Mars/Olympus").BaseUtcOffset);
        Assert.Equal("Asia/Shanghai", Default.ZoneOf("Asia/Shanghai").Id);
    }
}
