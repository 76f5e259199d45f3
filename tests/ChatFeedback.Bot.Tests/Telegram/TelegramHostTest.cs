namespace ChatFeedback.Bot.Tests.Telegram;

/// <summary>A test class with one host in webhook mode per test, talking to its own Bot API stub.</summary>
public abstract class TelegramHostTest : IAsyncLifetime
{
    private protected BotApiStub Api { get; } = new();

    private protected TelegramBotFactory Host { get; private set; } = null!;

    private protected HttpClient Webhook { get; private set; } = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        Host = new TelegramBotFactory(Api);
        Webhook = Host.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        Webhook.Dispose();
        await Host.DisposeAsync();
        Api.Dispose();
        GC.SuppressFinalize(this);
    }
}
