using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using ChatFeedback.Adapters;
using ChatFeedback.Bot.Sessions;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Conversations;

/// <summary>
/// Where adapters hand inbound messages over. Messages are deduplicated on their channel message id (here, or when the
/// session store admits them with the turn's save, see <see cref="ISessionStore.DeduplicatesOnSave"/>), then routed by
/// conversation to one of <see cref="TurnsOptions.Workers"/> bounded queues, each drained by one worker: turns are
/// strictly ordered per conversation and concurrent across conversations. A full queue makes the caller wait
/// (back-pressure). On shutdown, enqueuing is refused and what is queued is processed before the host stops.
/// Every message is put in the <see cref="ITurnInbox"/> before it is queued and leaves it when its turn ends (with the
/// session save, or removed here), so with Redis a message the channel was told is queued survives a crash or a drain
/// cut short: <see cref="TurnInboxRecovery"/> queues it again at the next start. When nothing else was waiting for the
/// conversation, the inbox's add read the session as well, and it is queued with the message for the turn to start from.
/// </summary>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "It is a queue: adapters enqueue turns, workers dequeue them.")]
public sealed class TurnQueue : BackgroundService, IInboundSink
{
    private readonly Channel<QueuedTurn>[] _partitions;
    private readonly IMessageDeduplicator? _deduplicator;
    private readonly ITurnInbox _inbox;
    private readonly TurnProcessor _processor;
    private readonly Backlog _backlog;
    private readonly ILogger<TurnQueue> _logger;

    public TurnQueue(IOptions<TurnsOptions> options, IMessageDeduplicator deduplicator, ISessionStore sessions, ITurnInbox inbox, TurnProcessor processor, Backlog backlog, ILogger<TurnQueue> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sessions);

        // A store that admits messages when it saves (Redis) drops redeliveries there, at no extra round trip.
        _deduplicator = sessions.DeduplicatesOnSave ? null : deduplicator;
        _inbox = inbox;
        _processor = processor;
        _backlog = backlog;
        _logger = logger;
        _partitions = new Channel<QueuedTurn>[options.Value.Workers];
        for (var i = 0; i < _partitions.Length; i++)
        {
            _partitions[i] = Channel.CreateBounded<QueuedTurn>(new BoundedChannelOptions(options.Value.QueueCapacity)
            {
                FullMode = BoundedChannelFullMode.Wait,
                SingleReader = true,
            });
        }
    }

    /// <summary>The worker a conversation's turns run on.</summary>
    internal int PartitionOf(string conversationKey) =>
        (int)((uint)StringComparer.Ordinal.GetHashCode(conversationKey) % (uint)_partitions.Length);

    public async ValueTask<EnqueueResult> EnqueueAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var conversationKey = message.Conversation.Key;
        if (_deduplicator is not null && !await _deduplicator.TryBeginAsync(conversationKey, message.MessageId))
        {
            _logger.DuplicateDropped(message.MessageId, message.Conversation.Key);
            return EnqueueResult.Duplicate;
        }

        var queued = false;
        var added = false;
        try
        {
            // Kept first, so the channel hears "queued" only once the message outlives this process (with Redis).
            InboxAddition addition;
            try
            {
                addition = await _inbox.AddAsync(message);
                added = addition.Added;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _logger.InboxUnavailable(ex, message.MessageId, conversationKey);
                return EnqueueResult.Rejected;
            }

            await WriteAsync(new QueuedTurn(message, addition.Loaded, addition.Added), cancellationToken);
            queued = true;
            return EnqueueResult.Queued;
        }
        catch (ChannelClosedException)
        {
            _logger.RefusedWhileStopping(message.MessageId, conversationKey);
            return EnqueueResult.Rejected;
        }
        finally
        {
            if (!queued)
            {
                // Not queued (Redis down, shutdown or the caller gave up): let the channel's redelivery through. An entry
                // this call did not add belongs to an earlier delivery still waiting, and stays.
                if (_deduplicator is not null)
                {
                    await _deduplicator.ForgetAsync(conversationKey, message.MessageId);
                }

                if (added)
                {
                    await RemoveFromInboxAsync(message);
                }
            }
        }
    }

    /// <summary>
    /// Queues a message recovered from the <see cref="ITurnInbox"/> at start-up: it is in the inbox already and was
    /// admitted by no save yet, so neither is done again. Waits while the queue is full, as adapters do.
    /// </summary>
    internal ValueTask RequeueAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return WriteAsync(new QueuedTurn(message, null, OwnsEntry: true), cancellationToken);
    }

    /// <summary>Queues a turn, counted in the <see cref="Backlog"/> before a worker can see it.</summary>
    private async ValueTask WriteAsync(QueuedTurn turn, CancellationToken cancellationToken)
    {
        _backlog.TurnQueued();
        try
        {
            await _partitions[PartitionOf(turn.Message.Conversation.Key)].Writer.WriteAsync(turn, cancellationToken);
        }
        catch
        {
            _backlog.TurnEnded();
            throw;
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_partitions.Select(p => RunWorkerAsync(p.Reader, stoppingToken)));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var partition in _partitions)
        {
            partition.Writer.TryComplete();
        }

        // Drain: workers finish once their completed queues are empty. If the host's shutdown timeout comes
        // first, base.StopAsync cancels the stopping token and what is left is abandoned (and logged).
        if (ExecuteTask is { } running)
        {
            try
            {
                await running.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                _logger.DrainTimedOut();
            }
        }

        await base.StopAsync(cancellationToken);
    }

    private async Task RunWorkerAsync(ChannelReader<QueuedTurn> reader, CancellationToken stoppingToken)
    {
        await Task.Yield(); // the workers run concurrently from the start, not on the host's start-up thread
        await foreach (var turn in reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                await RunTurnAsync(turn, stoppingToken);
            }
            finally
            {
                _backlog.TurnEnded();
            }
        }
    }

    private async Task RunTurnAsync(QueuedTurn turn, CancellationToken stoppingToken)
    {
        var (message, loaded, ownsEntry) = turn;
        if (stoppingToken.IsCancellationRequested)
        {
            // Left in the inbox: with Redis it runs at the next start.
            _logger.Abandoned(message.MessageId, message.Conversation.Key, _inbox.IsDurable);
            return;
        }

        var settled = false;
        try
        {
            settled = await _processor.ProcessAsync(message, loaded, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Cut short by the end of the drain: left in the inbox like the messages not started (if this turn did
            // save, the next start drops it as a duplicate).
            _logger.Abandoned(message.MessageId, message.Conversation.Key, _inbox.IsDurable);
            return;
        }
        catch (TurnNotRecordedException ex)
        {
            // Nothing of the turn was kept: forget the message id, so the channel's redelivery is not dropped. Its
            // inbox entry goes too (below): replayed at the next start, it would answer whatever question is open then.
            _logger.ProcessingFailed(ex, message.MessageId, message.Conversation.Key);
            if (_deduplicator is not null)
            {
                await _deduplicator.ForgetAsync(message.Conversation.Key, message.MessageId);
            }
        }
        catch (Exception ex)
        {
            _logger.ProcessingFailed(ex, message.MessageId, message.Conversation.Key);
        }
        finally
        {
            // A turn that handed no answer over (failed, duplicate, ignored) releases a webhook still waiting for one.
            message.Interaction?.Inline?.StopWaiting();
        }

        if (!settled && ownsEntry)
        {
            // The turn ended without a save that took the message out of the inbox. A copy that found the entry there
            // (a redelivery while the first delivery waits, here or on another instance) leaves it to that delivery:
            // removed now, it would be lost if that instance then died before its turn.
            await RemoveFromInboxAsync(message);
        }
    }

    private async ValueTask RemoveFromInboxAsync(InboundMessage message)
    {
        try
        {
            await _inbox.RemoveAsync(message.Conversation.Key, message.MessageId);
        }
        catch (Exception ex)
        {
            // Left behind, it runs again at the next start, where the dedupe or the dialog's stale check drops it.
            _logger.InboxRemoveFailed(ex, message.MessageId, message.Conversation.Key);
        }
    }
}

/// <summary>
/// A queued message, with the session the inbox read when it added it (see <see cref="ITurnInbox.AddAsync"/>), and
/// whether its inbox entry is this delivery's (added by it, or recovered from the inbox) rather than an earlier one's.
/// </summary>
internal readonly record struct QueuedTurn(InboundMessage Message, LoadedSession? Loaded, bool OwnsEntry);
