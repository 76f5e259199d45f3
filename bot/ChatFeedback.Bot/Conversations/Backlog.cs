using System.Diagnostics.Metrics;

namespace ChatFeedback.Bot.Conversations;

/// <summary>
/// The work the service has accepted and not finished: turns queued and not yet run, replies queued and not yet
/// sent. Both are gauges an operator can watch (<c>chatfeedback.turns.pending</c>, <c>chatfeedback.replies.pending</c>,
/// meter <c>ChatFeedback.Bot</c>): a backlog that grows is the first sign of a slow store or a throttling channel.
/// <see cref="WhenIdleAsync"/> completes when both are zero, so whoever drives the service from outside (tests, a
/// sample runner) waits for it to have reacted instead of waiting for time to pass.
/// </summary>
public sealed class Backlog
{
    public const string MeterName = "ChatFeedback.Bot";

    private readonly Lock gate = new();
    private long turns;
    private long replies;
    private TaskCompletionSource idle = Completed();

    public Backlog(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableUpDownCounter("chatfeedback.turns.pending", () => Volatile.Read(ref turns), "{turn}", "Inbound messages queued whose turn has not ended.");
        meter.CreateObservableUpDownCounter("chatfeedback.replies.pending", () => Volatile.Read(ref replies), "{message}", "Replies and press answers queued and not yet sent.");
    }

    public long PendingTurns => Volatile.Read(ref turns);

    public long PendingReplies => Volatile.Read(ref replies);

    internal void TurnQueued() => Change(ref turns, 1);

    internal void TurnEnded() => Change(ref turns, -1);

    internal void ReplyQueued() => Change(ref replies, 1);

    internal void ReplyEnded() => Change(ref replies, -1);

    /// <summary>Completes once no turn and no reply is pending (at once when none is).</summary>
    public Task WhenIdleAsync()
    {
        lock (gate)
        {
            return idle.Task;
        }
    }

    private void Change(ref long counter, long delta)
    {
        // The hot path is one interlocked add; the lock is taken only around the moments the total may cross zero.
        var now = Interlocked.Add(ref counter, delta);
        if (now != 0 && now != delta)
        {
            return;
        }

        lock (gate)
        {
            if (Volatile.Read(ref turns) == 0 && Volatile.Read(ref replies) == 0)
            {
                idle.TrySetResult();
            }
            else if (idle.Task.IsCompleted)
            {
                idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }
}
