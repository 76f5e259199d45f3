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
/// </summary>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "It is a queue: adapters enqueue turns, workers dequeue them.")]
public sealed class TurnQueue : BackgroundService, IInboundSink
{
    private readonly Channel<InboundMessage>[] _partitions;
    private readonly IMessageDeduplicator? _deduplicator;
    private readonly TurnProcessor _processor;
    private readonly ILogger<TurnQueue> _logger;

    public TurnQueue(IOptions<TurnsOptions> options, IMessageDeduplicator deduplicator, ISessionStore sessions, TurnProcessor processor, ILogger<TurnQueue> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sessions);

        // A store that admits messages when it saves (Redis) drops redeliveries there, at no extra round trip.
        _deduplicator = sessions.DeduplicatesOnSave ? null : deduplicator;
        _processor = processor;
        _logger = logger;
        _partitions = new Channel<InboundMessage>[options.Value.Workers];
        for (var i = 0; i < _partitions.Length; i++)
        {
            _partitions[i] = Channel.CreateBounded<InboundMessage>(new BoundedChannelOptions(options.Value.QueueCapacity)
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
        try
        {
            await _partitions[PartitionOf(message.Conversation.Key)].Writer.WriteAsync(message, cancellationToken);
            queued = true;
            return EnqueueResult.Queued;
        }
        catch (ChannelClosedException)
        {
            _logger.RefusedWhileStopping(message.MessageId, message.Conversation.Key);
            return EnqueueResult.Rejected;
        }
        finally
        {
            if (!queued && _deduplicator is not null)
            {
                // Not queued (shutdown or the caller gave up): let the channel's redelivery through.
                await _deduplicator.ForgetAsync(conversationKey, message.MessageId);
            }
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

    private async Task RunWorkerAsync(ChannelReader<InboundMessage> reader, CancellationToken stoppingToken)
    {
        await Task.Yield(); // the workers run concurrently from the start, not on the host's start-up thread
        await foreach (var message in reader.ReadAllAsync(CancellationToken.None))
        {
            if (stoppingToken.IsCancellationRequested)
            {
                _logger.Abandoned(message.MessageId, message.Conversation.Key);
                continue;
            }

            try
            {
                await _processor.ProcessAsync(message, stoppingToken);
            }
            catch (TurnNotRecordedException ex)
            {
                // Nothing of the turn was kept: forget the message id, so the channel's redelivery is not dropped.
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
        }
    }
}
