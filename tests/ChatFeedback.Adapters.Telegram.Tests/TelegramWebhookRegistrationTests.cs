using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ChatFeedback.Adapters.Telegram.Tests;

public sealed class TelegramWebhookRegistrationTests : IDisposable
{
    private readonly FakeBotApi api = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => api.Dispose();

    private ServiceProvider Build(TelegramMode mode) =>
        TestServices.Build(TestServices.Settings(api, mode), configure: services =>
        {
            services.AddSingleton(new TelegramCommand("survey", "Take the survey", null));
            services.AddSingleton(new TelegramCommand("/stop", "Stop all messages", null));
            services.AddSingleton(new TelegramCommand("survey", "参加调查", "zh"));
        });

    [Fact]
    public async Task SetsWebhookWithSecretAndExplicitAllowedUpdates()
    {
        api.Ok("setWebhook").Ok("setMyCommands");
        await using var services = Build(TelegramMode.Webhook);
        var registration = services.GetServices<IHostedService>().OfType<TelegramWebhookRegistration>().Single();

        Assert.True(await registration.RegisterAsync(Ct));

        var body = Assert.Single(api.Calls("setWebhook"));
        Assert.Equal("https://feedback.example.com/api/telegram", body.GetProperty("url").GetString());
        Assert.Equal("s3cret_Token-1", body.GetProperty("secret_token").GetString());
        Assert.Equal(["message", "callback_query", "my_chat_member"], body.GetProperty("allowed_updates").EnumerateArray().Select(e => e.GetString()));
        Assert.False(body.TryGetProperty("drop_pending_updates", out var drop) && drop.GetBoolean());
        Assert.Equal(40, body.GetProperty("max_connections").GetInt32());
    }

    [Fact]
    public async Task SetsAPlainHttpWebhookOnALocalBotApiServerWhenAllowed()
    {
        api.Ok("setWebhook").Ok("setMyCommands");
        var settings = TestServices.Settings(api, TelegramMode.Webhook);
        settings["Telegram:WebhookUrl"] = "http://192.168.1.20:8080/api/telegram";
        settings["Telegram:AllowHttpWebhook"] = "true";
        await using var services = TestServices.Build(settings);
        var registration = services.GetServices<IHostedService>().OfType<TelegramWebhookRegistration>().Single();

        Assert.True(await registration.RegisterAsync(Ct));

        Assert.Equal("http://192.168.1.20:8080/api/telegram", Assert.Single(api.Calls("setWebhook")).GetProperty("url").GetString());
    }

    [Fact]
    public async Task APlainHttpWebhookIsAWarningAtStart()
    {
        await using var host = await TelegramWebhookHost.StartAsync(new Dictionary<string, string?>
        {
            ["Telegram:WebhookUrl"] = "http://192.168.1.20:8080/api/telegram",
            ["Telegram:AllowHttpWebhook"] = "true",
        });

        var warning = Assert.Single(host.Logs.AtLeast(Microsoft.Extensions.Logging.LogLevel.Warning));
        Assert.Contains("plain http", warning.Message, StringComparison.Ordinal);
        Assert.Equal("http://192.168.1.20:8080/api/telegram", warning.Value("WebhookUrl"));
    }

    [Fact]
    public async Task AnHttpsWebhookStartsWithoutWarnings()
    {
        await using var host = await TelegramWebhookHost.StartAsync();

        Assert.Empty(host.Logs.AtLeast(Microsoft.Extensions.Logging.LogLevel.Warning));
    }

    [Fact]
    public void AnHttpWebhookWithoutTheOptionStopsTheStartNamingTheKey()
    {
        var settings = TestServices.Settings(api, TelegramMode.Webhook);
        settings["Telegram:WebhookUrl"] = "http://192.168.1.20:8080/api/telegram";
        using var services = TestServices.Build(settings);

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TelegramOptions>>().Value);

        Assert.Contains("Telegram:AllowHttpWebhook", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishesCommandsPerLanguage()
    {
        api.Ok("setWebhook").Ok("setMyCommands");
        await using var services = Build(TelegramMode.Webhook);
        var registration = services.GetServices<IHostedService>().OfType<TelegramWebhookRegistration>().Single();

        await registration.RegisterAsync(Ct);

        var calls = api.Calls("setMyCommands");
        Assert.Equal(2, calls.Count);
        var fallback = Assert.Single(calls, c => !c.TryGetProperty("language_code", out _));
        Assert.Equal(["survey", "stop"], fallback.GetProperty("commands").EnumerateArray().Select(c => c.GetProperty("command").GetString()));
        var chinese = Assert.Single(calls, c => c.TryGetProperty("language_code", out var l) && l.GetString() == "zh");
        Assert.Equal("参加调查", chinese.GetProperty("commands")[0].GetProperty("description").GetString());
    }

    [Fact]
    public async Task PublishesCommandsButSetsNoWebhookInPollingMode()
    {
        api.Ok("setMyCommands");
        await using var services = Build(TelegramMode.Polling);
        var registration = services.GetServices<IHostedService>().OfType<TelegramWebhookRegistration>().Single();

        Assert.True(await registration.RegisterAsync(Ct));

        Assert.Empty(api.Calls("setWebhook"));
        Assert.Equal(2, api.Calls("setMyCommands").Count);
    }

    [Fact]
    public async Task GivesUpOnPermanentErrorWithoutThrowing()
    {
        api.Error("setWebhook", 400, "Bad Request: bad webhook: Failed to resolve host").Ok("setMyCommands");
        await using var services = Build(TelegramMode.Webhook);
        var registration = services.GetServices<IHostedService>().OfType<TelegramWebhookRegistration>().Single();

        Assert.False(await registration.RegisterAsync(Ct));

        Assert.Single(api.Calls("setWebhook"));
        Assert.Equal(2, api.Calls("setMyCommands").Count);
    }
}
