using ChatFeedback.Bot.Cases;
using Quartz;

namespace ChatFeedback.Bot.Scheduling;

// The jobs are thin: the trigger names the row, one service method does the work and checks status, consent and
// window itself, so a re-fire, a misfire fired late or a row settled meanwhile is handled there, not here.

/// <summary>Sends a survey invitation (<see cref="InvitationService.SendAsync"/>).</summary>
internal sealed class SendInvitationJob(InvitationService invitations) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await invitations.SendAsync(ScheduledJobs.RowId(context), cancellationToken);
}

/// <summary>Sends the one reminder of an unanswered invitation (<see cref="InvitationService.RemindAsync"/>).</summary>
internal sealed class SendReminderJob(InvitationService invitations) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await invitations.RemindAsync(ScheduledJobs.RowId(context), cancellationToken);
}

/// <summary>Expires an unanswered invitation (<see cref="InvitationService.ExpireAsync"/>).</summary>
internal sealed class ExpireInvitationJob(InvitationService invitations) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await invitations.ExpireAsync(ScheduledJobs.RowId(context), cancellationToken);
}

/// <summary>Sends a follow-up check-in (<see cref="CheckInService.SendAsync"/>).</summary>
internal sealed class SendCheckInJob(CheckInService checkIns) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await checkIns.SendAsync(ScheduledJobs.RowId(context), cancellationToken);
}

/// <summary>The recurring SLA sweep over open cases (<see cref="SlaService.SweepAsync"/>).</summary>
[DisallowConcurrentExecution]
internal sealed class SlaCheckJob(SlaService sla) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await sla.SweepAsync(cancellationToken);
}
