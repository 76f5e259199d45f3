using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;

namespace ChatFeedback.Adapters.Telegram;

/// <summary>
/// Polling mode: long-polls <c>getUpdates</c> and hands each update, in order, to the <see cref="IInboundSink"/>.
/// An update is confirmed (the offset moves past it) only once the sink has taken it.
/// </summary>
public sealed class TelegramPollingService(
    ITelegramBotClient bot,
    IInboundSink sink,
    IOptions<TelegramOptions> options,
    TelegramMetrics metrics,
    TimeProvider timeProvider,
    ILogger<TelegramPollingService> logger) : BackgroundService
{
    /// <summary>The most updates one <c>getUpdates</c> returns.</summary>
    public const int BatchSize = 100;

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await DeleteWebhookAsync(stoppingToken);
            await PollAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            logger.PollingStopped();
        }
    }

    /// <summary>getUpdates answers 409 while a webhook is set, so remove it first (keeping its backlog).</summary>
    private async Task DeleteWebhookAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await bot.DeleteWebhook(dropPendingUpdates: false, cancellationToken);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                var delay = RetryDelay(ex, attempt);
                logger.DeleteWebhookFailed(ex, attempt, delay);
                await Task.Delay(delay, timeProvider, cancellationToken);
            }
        }
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var timeoutSeconds = (int)Math.Max(1, settings.PollingTimeout.TotalSeconds);
        int? offset = null;
        var failures = 0;
        logger.PollingStarted();

        while (!cancellationToken.IsCancellationRequested)
        {
            Update[] updates;
            try
            {
                updates = await bot.GetUpdates(offset, BatchSize, timeoutSeconds, TelegramWebhookRegistration.AllowedUpdates, cancellationToken);
                failures = 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (ApiRequestException ex) when (ex.ErrorCode == 409)
            {
                var delay = RetryDelay(ex, ++failures);
                logger.PollingConflict(ex, delay);
                await Task.Delay(delay, timeProvider, cancellationToken);
                continue;
            }
            catch (Exception ex)
            {
                var delay = RetryDelay(ex, ++failures);
                logger.PollingFailed(ex, delay);
                await Task.Delay(delay, timeProvider, cancellationToken);
                continue;
            }

            foreach (var update in updates)
            {
                await HandOffAsync(update, settings.BotUsername, cancellationToken);

                // Confirmed with the next getUpdates. Ids are not compared: they restart at random after a quiet week.
                offset = update.Id + 1;
            }
        }
    }

    /// <summary>Maps and queues one update, waiting and trying again while the sink refuses it.</summary>
    private async Task HandOffAsync(Update update, string? botUsername, CancellationToken cancellationToken)
    {
        var inbound = TelegramUpdateMapper.Map(update, timeProvider.GetUtcNow(), botUsername, out var defect);
        if (inbound is null && defect is not null)
        {
            logger.UnusableUpdate(update.Id, defect);
            metrics.UpdateIgnored(TelegramMetrics.ReasonMalformed);
            return;
        }

        if (inbound is null)
        {
            logger.UpdateIgnored(update.Id, update.Type);
            metrics.UpdateIgnored(TelegramMetrics.ReasonUnsupported);
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (await sink.EnqueueAsync(inbound, cancellationToken) != EnqueueResult.Rejected)
                {
                    return;
                }

                logger.UpdateRefused(update.Id, attempt);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                logger.PolledEnqueueFailed(ex, update.Id, attempt);
            }

            await Task.Delay(TelegramErrors.Backoff(attempt, FirstRetryDelay, MaxRetryDelay), timeProvider, cancellationToken);
        }
    }

    private static TimeSpan RetryDelay(Exception exception, int attempt) =>
        exception is ApiRequestException { ErrorCode: 429 } flood && TelegramErrors.RetryAfter(flood) is { } after
            ? after
            : TelegramErrors.Backoff(attempt, FirstRetryDelay, MaxRetryDelay);
}
