using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Adapters.Telegram;

/// <summary>How the bot receives updates: Telegram calls us (webhook), or we ask (long polling).</summary>
public enum TelegramMode
{
    Polling,
    Webhook,
}

/// <summary>Settings of the Telegram channel, bound from the <c>Telegram</c> section.</summary>
public sealed class TelegramOptions
{
    public const string SectionName = "Telegram";

    /// <summary>The token from BotFather (<c>123456:ABC…</c>). Empty = the channel is off.</summary>
    public string? BotToken { get; set; }

    /// <summary>The official Bot API server.</summary>
    public static readonly Uri OfficialApiBaseUrl = new("https://api.telegram.org");

    /// <summary>The Bot API server; only its scheme and authority are used (Telegram.Bot drops the path).</summary>
    public Uri ApiBaseUrl { get; set; } = OfficialApiBaseUrl;

    public TelegramMode Mode { get; set; } = TelegramMode.Polling;

    /// <summary>
    /// The address Telegram calls for <c>POST /api/telegram</c>; required in webhook mode. The official server calls
    /// only https on port 443, 80, 88 or 8443; a self-hosted one, any port, and http with <see cref="AllowHttpWebhook"/>.
    /// </summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>
    /// Lets <see cref="WebhookUrl"/> be plain http. Only with a self-hosted Bot API server (<c>telegram-bot-api
    /// --local</c>) as <see cref="ApiBaseUrl"/>, which calls webhooks on the local network; api.telegram.org calls https
    /// only. The webhook secret then travels unencrypted, so start-up says so at Warning.
    /// </summary>
    public bool AllowHttpWebhook { get; set; }

    /// <summary>Whether <see cref="ApiBaseUrl"/> is Telegram's own server (whose webhook rules are stricter).</summary>
    public bool UsesOfficialServer => string.Equals(ApiBaseUrl.IdnHost, OfficialApiBaseUrl.IdnHost, StringComparison.OrdinalIgnoreCase);

    /// <summary>Sent by Telegram as <c>X-Telegram-Bot-Api-Secret-Token</c>; required in webhook mode.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Largest webhook body accepted, in bytes; bigger bodies get 413.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>How long one <c>getUpdates</c> long poll waits for updates (whole seconds).</summary>
    public TimeSpan PollingTimeout { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>The bot's username without <c>@</c>; when set, only <c>/cmd@ThisBot</c> is shortened to <c>/cmd</c>.</summary>
    public string? BotUsername { get; set; }

    /// <summary>
    /// Webhook mode: how long the webhook request of a button press waits for its turn, so the callback query is
    /// answered in the response (no API call), with the stale-press notice when there is one. After this the
    /// request is acknowledged and the answer goes by API. Zero: always answer by API.
    /// </summary>
    public TimeSpan CallbackAnswerWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Sends per second into one chat (Telegram: about 1).</summary>
    public double PerChatPerSecond { get; set; } = 1;

    /// <summary>Sends allowed at once into one chat before the per-chat rate applies.</summary>
    public int PerChatBurst { get; set; } = 3;

    /// <summary>Sends per minute into one group (Telegram: 20).</summary>
    public double PerGroupPerMinute { get; set; } = 20;

    /// <summary>Sends per second across all chats (Telegram: about 30; keep a margin).</summary>
    public double GlobalPerSecond { get; set; } = 25;

    /// <summary>Sends allowed at once across all chats.</summary>
    public int GlobalBurst { get; set; } = 25;

    /// <summary>Whether the channel is on at all.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(BotToken);

    public ChannelRateLimits ToRateLimits() =>
        new(PerChatPerSecond, PerChatBurst, PerGroupPerMinute, GlobalPerSecond, GlobalBurst);
}

/// <summary>Checks <see cref="TelegramOptions"/> at start-up; every message names the configuration key.</summary>
public sealed partial class TelegramOptionsValidator : IValidateOptions<TelegramOptions>
{
    public ValidateOptionsResult Validate(string? name, TelegramOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string Section = TelegramOptions.SectionName;

        // Never echo the token: it is a credential.
        if (options.Enabled && !TokenPattern().IsMatch(options.BotToken!))
        {
            failures.Add($"{Section}:BotToken must look like '<bot id digits>:<secret>' as issued by BotFather (or be empty to turn the channel off).");
        }

        if (!options.ApiBaseUrl.IsAbsoluteUri || (options.ApiBaseUrl.Scheme != Uri.UriSchemeHttps && options.ApiBaseUrl.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"{Section}:ApiBaseUrl must be an absolute http(s) URL such as https://api.telegram.org.");
        }

        if (!Enum.IsDefined(options.Mode))
        {
            failures.Add($"{Section}:Mode must be Webhook or Polling.");
        }

        // The official server's webhook rules; a self-hosted one (telegram-bot-api --local) calls any port, and http.
        var official = options.ApiBaseUrl.IsAbsoluteUri && options.UsesOfficialServer;
        if (options.AllowHttpWebhook && official)
        {
            failures.Add($"{Section}:AllowHttpWebhook needs {Section}:ApiBaseUrl to point at a self-hosted Bot API server (telegram-bot-api --local); {options.ApiBaseUrl.Host} calls https webhooks only.");
        }

        if (options.Mode == TelegramMode.Webhook)
        {
            if (options.WebhookUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            {
                failures.Add($"{Section}:WebhookUrl must be an absolute https URL in Webhook mode.");
            }
            else if (url.Scheme == Uri.UriSchemeHttp && !options.AllowHttpWebhook)
            {
                failures.Add($"{Section}:WebhookUrl must be https (http only with a self-hosted Bot API server as {Section}:ApiBaseUrl and {Section}:AllowHttpWebhook = true).");
            }
            else if (official && url.Port is not (443 or 80 or 88 or 8443))
            {
                failures.Add($"{Section}:WebhookUrl must use port 443, 80, 88 or 8443 (api.telegram.org calls no other port); was {url.Port}.");
            }

            if (string.IsNullOrEmpty(options.WebhookSecret))
            {
                failures.Add($"{Section}:WebhookSecret is required in Webhook mode (1-256 characters of A-Z, a-z, 0-9, _ and -).");
            }
        }

        if (!string.IsNullOrEmpty(options.WebhookSecret) && !SecretPattern().IsMatch(options.WebhookSecret))
        {
            failures.Add($"{Section}:WebhookSecret must be 1-256 characters of A-Z, a-z, 0-9, _ and -.");
        }

        if (options.MaxBodyBytes is < 1024 or > 50 * 1024 * 1024)
        {
            failures.Add($"{Section}:MaxBodyBytes must be between 1024 and 52428800 (was {options.MaxBodyBytes}).");
        }

        if (options.PollingTimeout < TimeSpan.FromSeconds(1) || options.PollingTimeout > TimeSpan.FromSeconds(60))
        {
            failures.Add($"{Section}:PollingTimeout must be between 00:00:01 and 00:01:00 (was {options.PollingTimeout}).");
        }

        // Telegram wants the answer within about 10 s of the press, and redelivers a webhook call unanswered for 60 s.
        if (options.CallbackAnswerWait < TimeSpan.Zero || options.CallbackAnswerWait > TimeSpan.FromSeconds(10))
        {
            failures.Add($"{Section}:CallbackAnswerWait must be between 00:00:00 (off) and 00:00:10 (was {options.CallbackAnswerWait}).");
        }

        if (!string.IsNullOrEmpty(options.BotUsername) && !UsernamePattern().IsMatch(options.BotUsername))
        {
            failures.Add($"{Section}:BotUsername must be the bot's username (5-32 characters of A-Z, a-z, 0-9 and _), with or without a leading @.");
        }

        AddIfNegative(failures, $"{Section}:PerChatPerSecond", options.PerChatPerSecond);
        AddIfNegative(failures, $"{Section}:PerChatBurst", options.PerChatBurst);
        AddIfNegative(failures, $"{Section}:PerGroupPerMinute", options.PerGroupPerMinute);
        AddIfNegative(failures, $"{Section}:GlobalPerSecond", options.GlobalPerSecond);
        AddIfNegative(failures, $"{Section}:GlobalBurst", options.GlobalBurst);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void AddIfNegative(List<string> failures, string key, double value)
    {
        if (double.IsNaN(value) || value < 0)
        {
            failures.Add($"{key} must be zero (unlimited) or more (was {value}).");
        }
    }

    [GeneratedRegex("^[0-9]{1,16}:[^\\s]+$")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,256}$")]
    private static partial Regex SecretPattern();

    [GeneratedRegex("^@?[A-Za-z0-9_]{5,32}$")]
    private static partial Regex UsernamePattern();
}
