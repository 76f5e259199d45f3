using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Assessment;

/// <summary>A case to assess, and what caused it (see <see cref="CaseAssessor"/>'s triggers).</summary>
public readonly record struct AssessmentRequest(Guid CaseId, string Trigger);

/// <summary>Assessments to run off the turn: a turn only hands one over and never waits for it.</summary>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "It is a queue: turns enqueue assessments, workers dequeue them.")]
public interface IAssessmentQueue
{
    /// <summary>
    /// Queues an assessment without waiting; false when the queue is full (then a never-assessed case is picked up by
    /// <see cref="AssessmentRepairService"/>, and a re-assessment waits for the case's next message).
    /// </summary>
    bool TryEnqueue(AssessmentRequest request);
}

/// <summary>
/// Runs assessments in the background, up to <see cref="AssessmentOptions.MaxConcurrency"/> at once (each mostly waits on
/// the records or the model), skipping one already running for the same case and trigger. On stop, what is still queued
/// is left: every case without an assessment is found again at the next start.
/// </summary>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "It is a queue: turns enqueue assessments, workers dequeue them.")]
public sealed partial class AssessmentQueue : BackgroundService, IAssessmentQueue
{
    private static readonly Meter Meter = new("ChatFeedback.Assessment");
    private static readonly Counter<long> Dropped = Meter.CreateCounter<long>("chatfeedback.assessment.queue_full", description: "Assessments not queued because the queue was full");

    private readonly Channel<AssessmentRequest> _channel;
    private readonly ConcurrentDictionary<AssessmentRequest, byte> _running = new();
    private readonly CaseAssessor _assessor;
    private readonly int _concurrency;
    private readonly ILogger<AssessmentQueue> _logger;

    public AssessmentQueue(CaseAssessor assessor, IOptions<AssessmentOptions> options, ILogger<AssessmentQueue> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _assessor = assessor;
        _logger = logger;
        _concurrency = options.Value.MaxConcurrency;
        _channel = Channel.CreateBounded<AssessmentRequest>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    public bool TryEnqueue(AssessmentRequest request)
    {
        if (_channel.Writer.TryWrite(request))
        {
            return true;
        }

        Dropped.Add(1);
        QueueFull(request.CaseId, request.Trigger);
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var slots = new SemaphoreSlim(_concurrency);
        var running = new List<Task>();
        try
        {
            await foreach (var request in _channel.Reader.ReadAllAsync(stoppingToken))
            {
                if (!_running.TryAdd(request, 0))
                {
                    continue;
                }

                await slots.WaitAsync(stoppingToken);
                running.RemoveAll(t => t.IsCompleted);
                running.Add(RunAsync(request, slots, stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await Task.WhenAll(running);
    }

    private async Task RunAsync(AssessmentRequest request, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        try
        {
            await _assessor.AssessAsync(request.CaseId, request.Trigger, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // The records were unreachable, most likely: the case keeps its flow grade and is tried again by the repair.
            Failed(ex, request.CaseId, request.Trigger);
        }
        finally
        {
            _running.TryRemove(request, out _);
            slots.Release();
        }
    }

    [LoggerMessage(LogLevel.Warning, "Assessment queue is full; case {CaseId} ({Trigger}) waits for the repair sweep")]
    private partial void QueueFull(Guid caseId, string trigger);

    [LoggerMessage(LogLevel.Error, "Assessing case {CaseId} ({Trigger}) failed; it keeps its current grade")]
    private partial void Failed(Exception exception, Guid caseId, string trigger);
}
