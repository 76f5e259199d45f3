using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace ChatFeedback.Adapters.Telegram;

/// <summary>
/// At start-up, points Telegram at our webhook (webhook mode) and publishes the command menus (both modes).
/// Failures are logged and retried a few times; they never stop the service.
/// </summary>
public sealed class TelegramWebhookRegistration(
    ITelegramBotClient bot,
    IOptions<TelegramOptions> options,
    IEnumerable<TelegramCommand> commands,
    TimeProvider timeProvider,
    ILogger<TelegramWebhookRegistration> logger) : BackgroundService
{
    /// <summary>Sent explicitly on every <c>setWebhook</c> / <c>getUpdates</c>: leaving it out keeps an old setting.</summary>
    public static readonly IReadOnlyList<UpdateType> AllowedUpdates = [UpdateType.Message, UpdateType.CallbackQuery, UpdateType.MyChatMember];

    /// <summary>Telegram's default number of parallel webhook connections.</summary>
    public const int MaxConnections = 40;

    private const int MaxAttempts = 5;
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RegisterAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>Registers the webhook (in webhook mode) and the commands; true when everything succeeded.</summary>
    public async Task<bool> RegisterAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var ok = true;
        if (settings.Mode == TelegramMode.Webhook)
        {
            // drop_pending_updates stays false: the backlog holds real customer messages.
            ok &= await WithRetriesAsync(
                "setWebhook",
                ct => bot.SetWebhook(
                    settings.WebhookUrl!.AbsoluteUri,
                    maxConnections: MaxConnections,
                    allowedUpdates: AllowedUpdates,
                    dropPendingUpdates: false,
                    secretToken: settings.WebhookSecret,
                    cancellationToken: ct),
                cancellationToken);
            if (ok)
            {
                logger.WebhookSet(settings.WebhookUrl!.GetLeftPart(UriPartial.Path));
            }
        }

        foreach (var language in commands.GroupBy(c => c.LanguageCode))
        {
            BotCommand[] menu = [.. language.Select(c => new BotCommand(c.Command.TrimStart('/'), c.Description))];
            ok &= await WithRetriesAsync(
                $"setMyCommands({language.Key ?? "default"})",
                ct => bot.SetMyCommands(menu, languageCode: language.Key, cancellationToken: ct),
                cancellationToken);
        }

        return ok;
    }

    private async Task<bool> WithRetriesAsync(string what, Func<CancellationToken, Task> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await call(cancellationToken);
                return true;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (TelegramErrors.IsPermanent(ex) || attempt >= MaxAttempts)
            {
                logger.RegistrationGaveUp(ex, what, attempt);
                return false;
            }
            catch (Exception ex)
            {
                var delay = TelegramErrors.Backoff(attempt, FirstRetryDelay, MaxRetryDelay);
                logger.RegistrationRetry(ex, what, attempt, delay);
                await Task.Delay(delay, timeProvider, cancellationToken);
            }
        }
    }
}
