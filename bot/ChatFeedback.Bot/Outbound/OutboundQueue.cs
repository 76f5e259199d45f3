using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using ChatFeedback.Adapters;
using ChatFeedback.Bot.Conversations;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Outbound;

/// <summary>One message (or one press acknowledgement) waiting to go out, and the inbound message it answers.</summary>
public sealed record OutboundItem(ConversationAddress To, OutboundMessage? Message, string CausedBy, DateTimeOffset EnqueuedAt)
{
    public PressAnswer? Press { get; init; }
}

/// <summary>The answer to a button press (Telegram callback query): its outcome and the notice to show, if any.</summary>
public sealed record PressAnswer(InboundMessage Press, InteractionOutcome Outcome, string? Notice);

/// <summary>
/// Sends replies without holding a turn (or a webhook request) while a channel throttles: messages are routed by
/// conversation to one of <see cref="OutboundOptions.Workers"/> senders, so each conversation's messages leave in
/// order; each sender keeps to the channel's token buckets, retries what the channel calls retryable (after its
/// Retry-After, else with jittered backoff), records a blocked customer as opted out and follows a moved conversation.
/// </summary>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "It is a queue: turns enqueue replies, senders dequeue them.")]
public sealed class OutboundQueue : BackgroundService
{
    private readonly Channel<OutboundItem>[] _partitions;
    private readonly Dictionary<string, IChannelAdapter> _channels;
    private readonly Dictionary<string, IInteractionResponder> _responders;
    private readonly ConcurrentDictionary<string, ChannelThrottle> _throttles = new(StringComparer.Ordinal);
    private readonly ConversationStatus _status;
    private readonly Backlog _backlog;
    private readonly OutboundOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<OutboundQueue> _logger;

    // Cancelled only when the host's shutdown timeout runs out: until then queued messages are still sent.
    private readonly CancellationTokenSource _abort = new();

    public OutboundQueue(
        IOptions<OutboundOptions> options,
        IEnumerable<IChannelAdapter> channels,
        IEnumerable<IInteractionResponder> responders,
        ConversationStatus status,
        Backlog backlog,
        TimeProvider timeProvider,
        ILogger<OutboundQueue> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _status = status;
        _backlog = backlog;
        _timeProvider = timeProvider;
        _logger = logger;
        _channels = channels.GroupBy(c => c.ChannelId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        _responders = responders.GroupBy(r => r.ChannelId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        _partitions = new Channel<OutboundItem>[_options.Workers];
        for (var i = 0; i < _partitions.Length; i++)
        {
            _partitions[i] = Channel.CreateBounded<OutboundItem>(new BoundedChannelOptions(_options.QueueCapacity)
            {
                FullMode = BoundedChannelFullMode.Wait,
                SingleReader = true,
            });
        }
    }

    /// <summary>
    /// Queues the answer to a press (when given) and then <paramref name="messages"/> for <paramref name="to"/>, in
    /// order; waits only while the queue is full. Answering presses here keeps slow channel calls off the turn workers;
    /// a press whose request is still open (<see cref="InlineAnswer"/>) gets its answer handed over at once instead.
    /// </summary>
    public async ValueTask EnqueueAsync(ConversationAddress to, IEnumerable<OutboundMessage> messages, string causedBy, CancellationToken cancellationToken, PressAnswer? press = null)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(messages);
        var writer = _partitions[(int)((uint)StringComparer.Ordinal.GetHashCode(to.Key) % (uint)_partitions.Length)].Writer;
        var now = _timeProvider.GetUtcNow();
        if (press is not null)
        {
            // The webhook still holding the press's request answers it in its response: no API call for the answer.
            press.Press.Interaction?.Inline?.TryAnswer(press.Notice);
            await WriteAsync(writer, new OutboundItem(to, null, causedBy, now) { Press = press }, cancellationToken);
        }

        foreach (var message in messages)
        {
            await WriteAsync(writer, new OutboundItem(to, message, causedBy, now), cancellationToken);
        }
    }

    /// <summary>Queues one item, counted in the <see cref="Backlog"/> before a sender can see it.</summary>
    private async ValueTask WriteAsync(ChannelWriter<OutboundItem> writer, OutboundItem item, CancellationToken cancellationToken)
    {
        _backlog.ReplyQueued();
        try
        {
            await writer.WriteAsync(item, cancellationToken);
        }
        catch
        {
            _backlog.ReplyEnded();
            throw;
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_partitions.Select(partition => DrainAsync(partition.Reader, _abort.Token)));

    /// <summary>Refuses new messages, sends what is queued, and gives up on the rest when the host's shutdown time runs out.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var partition in _partitions)
        {
            partition.Writer.TryComplete();
        }

        using (cancellationToken.Register(static queue => ((OutboundQueue)queue!).Abort(), this))
        {
            await base.StopAsync(cancellationToken);
        }

        foreach (var throttle in _throttles.Values)
        {
            await throttle.DisposeAsync();
        }
    }

    public override void Dispose()
    {
        _abort.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// Gives up on what is still queued. A host may dispose its services before it stops them (seen with the test
    /// server once its shutdown time had run out, which runs this at once): then there is nothing left to abort.
    /// </summary>
    private void Abort()
    {
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // disposed already: its senders are gone with it
        }
    }

    private async Task DrainAsync(ChannelReader<OutboundItem> reader, CancellationToken stoppingToken)
    {
        // Conversations found unreachable: their messages queued before that are dropped, later ones tried again.
        var unreachableSince = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await foreach (var item in reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                await DeliverAsync(item, unreachableSince, stoppingToken);
            }
            finally
            {
                _backlog.ReplyEnded();
            }
        }
    }

    private async Task DeliverAsync(OutboundItem item, Dictionary<string, DateTimeOffset> unreachableSince, CancellationToken stoppingToken)
    {
        if (unreachableSince.TryGetValue(item.To.Key, out var since) && item.EnqueuedAt <= since)
        {
            _logger.DroppedForUnreachable(item.To.Key, item.CausedBy);
            return;
        }

        try
        {
            if (item.Press is { } press)
            {
                await AnswerPressAsync(item, press, stoppingToken);
            }
            else if (!await SendAsync(item, stoppingToken))
            {
                if (unreachableSince.Count > 10_000)
                {
                    unreachableSince.Clear();
                }

                unreachableSince[item.To.Key] = _timeProvider.GetUtcNow();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _logger.UnsentAtShutdown(item.To.Key, item.CausedBy);
        }
        catch (Exception ex)
        {
            _logger.SendFailed(ex, item.To.Key, item.CausedBy);
        }
    }

    /// <summary>Acknowledges a press once; a press that cannot be answered is logged (the channel times it out itself).</summary>
    private async Task AnswerPressAsync(OutboundItem item, PressAnswer press, CancellationToken stoppingToken)
    {
        if (!_responders.TryGetValue(item.To.ChannelId, out var responder))
        {
            return;
        }

        try
        {
            await responder.RespondAsync(press.Press, press.Outcome, press.Notice, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            _logger.PressAnswerFailed(ex, item.To.Key, item.CausedBy);
        }
    }

    /// <summary>Sends one message with retries; false when the conversation turned out to be unreachable.</summary>
    private async Task<bool> SendAsync(OutboundItem item, CancellationToken stoppingToken)
    {
        var to = item.To;
        if (!_channels.TryGetValue(to.ChannelId, out var channel))
        {
            _logger.NoAdapter(to.ChannelId, to.Key);
            return true;
        }

        var throttle = _throttles.GetOrAdd(to.ChannelId, _ => new ChannelThrottle(channel.Limits));
        for (var attempt = 1; ; attempt++)
        {
            await throttle.AcquireAsync(to, stoppingToken);
            SendResult result;
            try
            {
                result = await channel.SendAsync(to, item.Message!, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                _logger.SendThrew(ex, to.Key, attempt);
                result = SendResult.Retry(null, ex.GetType().Name);
            }

            switch (result.Status)
            {
                case SendStatus.Delivered:
                    return true;
                case SendStatus.Failed:
                    _logger.Refused(to.Key, item.CausedBy, result.Detail);
                    return true;
                case SendStatus.Unreachable:
                    _logger.Unreachable(to.Key, result.Detail);
                    await _status.MarkOptedOutAsync(to, result.Detail ?? "unreachable", stoppingToken);
                    return false;
                case SendStatus.Moved when result.MovedTo is { } movedTo && attempt < _options.MaxAttempts:
                    to = await _status.MoveAsync(to, movedTo, stoppingToken);
                    continue;
                case SendStatus.Retryable when attempt < _options.MaxAttempts:
                    var wait = Backoff(result.RetryAfter, attempt);
                    _logger.RetryLater(to.Key, result.Detail, attempt + 1, wait);
                    await Task.Delay(wait, _timeProvider, stoppingToken);
                    continue;
                default:
                    _logger.GaveUp(to.Key, item.CausedBy, attempt, result.Detail);
                    return true;
            }
        }
    }

    /// <summary>The channel's Retry-After when given, else exponential backoff with full jitter; capped either way.</summary>
    private TimeSpan Backoff(TimeSpan? retryAfter, int attempt)
    {
        if (retryAfter is { } after && after > TimeSpan.Zero)
        {
            return after < _options.MaxBackoff ? after : _options.MaxBackoff;
        }

        var ceiling = Math.Min(_options.MaxBackoff.Ticks, _options.InitialBackoff.Ticks * (1L << Math.Min(attempt - 1, 20)));
        return TimeSpan.FromTicks((long)(ceiling * (0.5 + (Random.Shared.NextDouble() / 2))));
    }
}
