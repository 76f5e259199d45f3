using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Adapters.WebChat;

/// <summary>
/// The embedded transcript store: one process, nothing survives a restart. Expiry is checked on access and by
/// an occasional sweep when conversations are opened, so no timer runs.
/// </summary>
public sealed class InMemoryWebChatTranscriptStore : IWebChatTranscriptStore
{
    private readonly ConcurrentDictionary<string, Slot> _conversations = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly WebChatOptions _options;
    private readonly TimeSpan _sweepInterval;
    private readonly Lock _sweepGate = new();
    private DateTimeOffset _nextSweep;

    public InMemoryWebChatTranscriptStore(TimeProvider timeProvider, IOptions<WebChatOptions> options)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(options);
        _timeProvider = timeProvider;
        _options = options.Value;
        _sweepInterval = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMinute, _options.ConversationIdleTimeout.Ticks / 10));
        _nextSweep = timeProvider.GetUtcNow() + _sweepInterval;
    }

    /// <summary>Conversations held now, expired ones not yet swept included.</summary>
    public int Count => _conversations.Count;

    public ValueTask<WebChatConversation?> CreateAsync(string conversationId, string? locale, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        var now = _timeProvider.GetUtcNow();
        SweepIfDue(now);
        if (_conversations.Count >= _options.MaxConversations)
        {
            return ValueTask.FromResult<WebChatConversation?>(null);
        }

        var conversation = new WebChatConversation(conversationId, locale, now);
        if (!_conversations.TryAdd(conversationId, new Slot(conversation, now)))
        {
            throw new InvalidOperationException($"Web chat conversation '{conversationId}' already exists.");
        }

        return ValueTask.FromResult<WebChatConversation?>(conversation);
    }

    public ValueTask<WebChatConversation?> FindAsync(string conversationId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Live(conversationId)?.Conversation);

    public ValueTask<bool> TouchAsync(string conversationId, CancellationToken cancellationToken)
    {
        var slot = Live(conversationId);
        if (slot is null)
        {
            return ValueTask.FromResult(false);
        }

        lock (slot.Gate)
        {
            slot.LastActivity = _timeProvider.GetUtcNow();
        }

        return ValueTask.FromResult(true);
    }

    public ValueTask RemoveAsync(string conversationId, CancellationToken cancellationToken)
    {
        if (_conversations.TryRemove(conversationId, out var slot))
        {
            slot.MarkRemoved();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<WebChatTranscriptEntry?> AppendAsync(string conversationId, OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var slot = Live(conversationId);
        if (slot is null)
        {
            return ValueTask.FromResult<WebChatTranscriptEntry?>(null);
        }

        TaskCompletionSource wake;
        WebChatTranscriptEntry entry;
        lock (slot.Gate)
        {
            if (slot.Removed)
            {
                return ValueTask.FromResult<WebChatTranscriptEntry?>(null);
            }

            var now = _timeProvider.GetUtcNow();
            entry = new WebChatTranscriptEntry(++slot.LastSeq, message, now);
            slot.Messages.Enqueue(entry);
            while (slot.Messages.Count > _options.MaxMessagesPerConversation)
            {
                slot.Messages.Dequeue();
            }

            slot.LastActivity = now;
            wake = slot.Changed;
            slot.Changed = NewSignal();
        }

        // Completed outside the lock; continuations run asynchronously, so watchers never run on this thread.
        wake.TrySetResult();
        return ValueTask.FromResult<WebChatTranscriptEntry?>(entry);
    }

    public ValueTask<IReadOnlyList<WebChatTranscriptEntry>?> ReadAfterAsync(string conversationId, long afterSeq, CancellationToken cancellationToken)
    {
        var slot = Live(conversationId);
        if (slot is null)
        {
            return ValueTask.FromResult<IReadOnlyList<WebChatTranscriptEntry>?>(null);
        }

        lock (slot.Gate)
        {
            return ValueTask.FromResult<IReadOnlyList<WebChatTranscriptEntry>?>(slot.After(afterSeq));
        }
    }

    public async IAsyncEnumerable<WebChatTranscriptEntry> WatchAsync(
        string conversationId,
        long afterSeq,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var last = afterSeq;
        while (!cancellationToken.IsCancellationRequested)
        {
            var slot = Live(conversationId);
            if (slot is null)
            {
                yield break;
            }

            WebChatTranscriptEntry[] batch;
            Task changed;
            lock (slot.Gate)
            {
                if (slot.Removed)
                {
                    yield break;
                }

                batch = slot.After(last);
                changed = slot.Changed.Task;
            }

            foreach (var entry in batch)
            {
                yield return entry;
                last = entry.Seq;
            }

            if (batch.Length == 0 && !await WaitForChangeAsync(changed, cancellationToken))
            {
                yield break;
            }
        }
    }

    /// <summary>Waits for the next append or removal; false when cancelled first.</summary>
    private static async Task<bool> WaitForChangeAsync(Task changed, CancellationToken cancellationToken)
    {
        try
        {
            await changed.WaitAsync(cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private Slot? Live(string conversationId)
    {
        if (!_conversations.TryGetValue(conversationId, out var slot))
        {
            return null;
        }

        if (!IsExpired(slot, _timeProvider.GetUtcNow()))
        {
            return slot;
        }

        if (_conversations.TryRemove(new KeyValuePair<string, Slot>(conversationId, slot)))
        {
            slot.MarkRemoved();
        }

        return null;
    }

    private bool IsExpired(Slot slot, DateTimeOffset now)
    {
        lock (slot.Gate)
        {
            return now - slot.LastActivity >= _options.ConversationIdleTimeout;
        }
    }

    private void SweepIfDue(DateTimeOffset now)
    {
        lock (_sweepGate)
        {
            if (now < _nextSweep)
            {
                return;
            }

            _nextSweep = now + _sweepInterval;
        }

        foreach (var (id, slot) in _conversations)
        {
            if (IsExpired(slot, now) && _conversations.TryRemove(new KeyValuePair<string, Slot>(id, slot)))
            {
                slot.MarkRemoved();
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Slot(WebChatConversation conversation, DateTimeOffset now)
    {
        public Lock Gate { get; } = new();

        public WebChatConversation Conversation { get; } = conversation;

        public DateTimeOffset LastActivity { get; set; } = now;

        public long LastSeq { get; set; }

        public Queue<WebChatTranscriptEntry> Messages { get; } = new();

        public TaskCompletionSource Changed { get; set; } = NewSignal();

        public bool Removed { get; private set; }

        public WebChatTranscriptEntry[] After(long afterSeq) => [.. Messages.Where(m => m.Seq > afterSeq)];

        public void MarkRemoved()
        {
            TaskCompletionSource wake;
            lock (Gate)
            {
                Removed = true;
                wake = Changed;
            }

            wake.TrySetResult();
        }
    }
}
