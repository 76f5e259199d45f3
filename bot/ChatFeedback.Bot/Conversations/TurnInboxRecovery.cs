using ChatFeedback.Bot.Sessions;

namespace ChatFeedback.Bot.Conversations;

/// <summary>
/// At start-up, queues the messages an earlier run accepted but did not finish (crash, or a drain cut short by the
/// shutdown timeout), each conversation's in arrival order, before the web server takes new ones: registered after the
/// <see cref="TurnQueue"/> (its workers run, so a full queue drains) and before the web host, which starts last.
/// Another instance may still be running some of them: the session save admits a message id once, so each turn
/// happens once.
/// </summary>
internal sealed class TurnInboxRecovery(ITurnInbox inbox, TurnQueue queue, ILogger<TurnInboxRecovery> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!inbox.IsDurable)
        {
            return;
        }

        var count = 0;
        try
        {
            await foreach (var message in inbox.PendingAsync(cancellationToken))
            {
                await queue.RequeueAsync(message, cancellationToken);
                count++;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Redis is down at start: the service starts anyway (as it does without Redis) and the entries wait.
            logger.RecoveryFailed(ex, count);
            return;
        }

        if (count > 0)
        {
            logger.Recovered(count);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
