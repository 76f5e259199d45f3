using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFeedback.Adapters.Telegram.Tests;

/// <summary>Builds the channel's services as the host would, against the fake Bot API.</summary>
public static class TestServices
{
    public static Dictionary<string, string?> Settings(FakeBotApi api, TelegramMode mode = TelegramMode.Polling) => new()
    {
        ["Telegram:BotToken"] = FakeBotApi.Token,
        ["Telegram:ApiBaseUrl"] = api.Url,
        ["Telegram:Mode"] = mode.ToString(),
        ["Telegram:WebhookUrl"] = "https://feedback.example.com/api/telegram",
        ["Telegram:WebhookSecret"] = "s3cret_Token-1",
        ["Telegram:BotUsername"] = "ChatFeedbackBot",
    };

    public static ServiceProvider Build(
        IDictionary<string, string?> settings,
        IInboundSink? sink = null,
        Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton(sink ?? new RecordingSink());
        services.AddTelegram(configuration);
        configure?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }
}
