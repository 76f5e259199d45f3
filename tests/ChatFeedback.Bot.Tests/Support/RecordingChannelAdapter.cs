using ChatFeedback.Adapters;

namespace ChatFeedback.Bot.Tests.Support;

/// <summary>A channel that records what the service sends and lets tests wait for it.</summary>
internal sealed class RecordingChannelAdapter : IChannelAdapter
{
    public const string Channel = "test";

    private readonly Lock _gate = new();
    private readonly List<SentMessage> _sent = [];
    private readonly List<(Func<IReadOnlyList<SentMessage>, bool> Condition, TaskCompletionSource Signal)> _waiters = [];

    public string ChannelId => Channel;

    /// <summary>Runs before each send is recorded; tests use it to hold a send until a signal.</summary>
    public Func<ConversationAddress, CancellationToken, Task>? BeforeSend { get; set; }

    public async Task<SendResult> SendAsync(ConversationAddress to, OutboundMessage message, CancellationToken cancellationToken)
    {
        if (BeforeSend is { } hook)
        {
            await hook(to, cancellationToken);
        }

        lock (_gate)
        {
            _sent.Add(new SentMessage(to, message));
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Condition(_sent))
                {
                    _waiters[i].Signal.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }

        return SendResult.Delivered;
    }

    public IReadOnlyList<string> TextsTo(string conversationId)
    {
        lock (_gate)
        {
            return _sent.Where(s => s.To.ConversationId == conversationId).Select(s => s.Message.Text).ToList();
        }
    }

    /// <summary>Completes once <paramref name="count"/> messages went to the conversation (or fails after a generous timeout).</summary>
    public Task WaitForCountAsync(string conversationId, int count) =>
        WaitForAsync(sent => sent.Count(s => s.To.ConversationId == conversationId) >= count);

    public Task WaitForAsync(Func<IReadOnlyList<SentMessage>, bool> condition)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition(_sent))
            {
                return Task.CompletedTask;
            }

            _waiters.Add((condition, signal));
        }

        return signal.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }
}

internal sealed record SentMessage(ConversationAddress To, OutboundMessage Message);
