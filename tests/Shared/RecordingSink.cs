namespace ChatFeedback.Testing;

/// <summary>An <see cref="IInboundSink"/> that records what it is given, answers as told, and signals arrivals.</summary>
public sealed class RecordingSink : IInboundSink
{
    private readonly Lock gate = new();
    private readonly List<InboundMessage> messages = [];
    private readonly List<(int Count, TaskCompletionSource Signal)> waiters = [];
    private int calls;

    /// <summary>Decides each answer; gets the message and the 1-based number of the call.</summary>
    public Func<InboundMessage, int, EnqueueResult> Answer { get; set; } = (_, _) => EnqueueResult.Queued;

    /// <summary>Every message the sink accepted (Queued or Duplicate), in order.</summary>
    public IReadOnlyList<InboundMessage> Messages
    {
        get
        {
            lock (gate)
            {
                return [.. messages];
            }
        }
    }

    public int Calls => Volatile.Read(ref calls);

    public ValueTask<EnqueueResult> EnqueueAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        var result = Answer(message, Interlocked.Increment(ref calls));
        if (result == EnqueueResult.Rejected)
        {
            return ValueTask.FromResult(result);
        }

        lock (gate)
        {
            messages.Add(message);
            foreach (var waiter in waiters.Where(w => messages.Count >= w.Count))
            {
                waiter.Signal.TrySetResult();
            }
        }

        return ValueTask.FromResult(result);
    }

    /// <summary>Completes once <paramref name="count"/> messages were accepted; fails after ten seconds.</summary>
    public Task WaitForAsync(int count)
    {
        lock (gate)
        {
            if (messages.Count >= count)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add((count, signal));
            return signal.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        }
    }
}
