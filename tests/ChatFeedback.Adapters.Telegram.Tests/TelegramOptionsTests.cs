using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Adapters.Telegram.Tests;

public sealed class TelegramOptionsTests
{
    private static TelegramOptions Webhook() => new()
    {
        BotToken = "123456:TEST",
        Mode = TelegramMode.Webhook,
        WebhookUrl = new Uri("https://feedback.example.com/api/telegram"),
        WebhookSecret = "s3cret_Token-1",
    };

    private static IEnumerable<string> Failures(TelegramOptions options) =>
        new TelegramOptionsValidator().Validate(null, options).Failures ?? [];

    [Fact]
    public void AcceptsCompleteWebhookSettings()
    {
        Assert.Empty(Failures(Webhook()));
    }

    [Fact]
    public void HasDocumentedDefaults()
    {
        var options = new TelegramOptions();

        Assert.Equal(TelegramMode.Polling, options.Mode);
        Assert.Equal(new Uri("https://api.telegram.org"), options.ApiBaseUrl);
        Assert.Equal(1024 * 1024, options.MaxBodyBytes);
        Assert.Equal(TimeSpan.FromSeconds(25), options.PollingTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), options.CallbackAnswerWait);
        Assert.Equal(new ChannelRateLimits(1, 3, 20, 25, 25), options.ToRateLimits());
    }

    [Theory]
    [InlineData("has space", "Telegram:WebhookSecret must be 1-256 characters of A-Z, a-z, 0-9, _ and -")]
    [InlineData("", "Telegram:WebhookSecret is required in Webhook mode")]
    public void NamesTheKeyOfABadSecret(string secret, string expected)
    {
        var options = Webhook();
        options.WebhookSecret = secret;

        Assert.Contains(Failures(options), f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void RejectsSecretLongerThan256Characters()
    {
        var options = Webhook();
        options.WebhookSecret = new string('a', 257);

        Assert.Contains(Failures(options), f => f.StartsWith("Telegram:WebhookSecret", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://feedback.example.com/api/telegram")]
    [InlineData("https://feedback.example.com:5001/api/telegram")]
    public void RequiresHttpsWebhookOnAllowedPort(string url)
    {
        var options = Webhook();
        options.WebhookUrl = new Uri(url);

        Assert.Contains(Failures(options), f => f.StartsWith("Telegram:WebhookUrl", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://192.168.1.20:8080/api/telegram")]
    [InlineData("http://bot:5000/api/telegram")]
    [InlineData("https://10.0.0.5:5001/api/telegram")]
    public void ALocalBotApiServerAcceptsAnyPortAndHttpWhenAllowed(string url)
    {
        var options = Webhook();
        options.ApiBaseUrl = new Uri("http://telegram-bot-api:8081");
        options.AllowHttpWebhook = true;
        options.WebhookUrl = new Uri(url);

        Assert.Empty(Failures(options));
    }

    [Fact]
    public void AnHttpWebhookNeedsAllowHttpWebhookEvenWithALocalServer()
    {
        var options = Webhook();
        options.ApiBaseUrl = new Uri("http://telegram-bot-api:8081");
        options.WebhookUrl = new Uri("http://192.168.1.20:8080/api/telegram");

        Assert.Contains(Failures(options), f => f.StartsWith("Telegram:WebhookUrl must be https", StringComparison.Ordinal) && f.Contains("Telegram:AllowHttpWebhook", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://api.telegram.org")]
    [InlineData("https://API.Telegram.org/")]
    public void AllowHttpWebhookIsRefusedWithTheOfficialServer(string apiBaseUrl)
    {
        var options = Webhook();
        options.ApiBaseUrl = new Uri(apiBaseUrl);
        options.AllowHttpWebhook = true;

        Assert.Contains(Failures(options), f => f.StartsWith("Telegram:AllowHttpWebhook needs Telegram:ApiBaseUrl", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("TEST")]
    [InlineData("abc:TEST")]
    [InlineData("12345678901234567:TEST")]
    public void RejectsMalformedTokenWithoutEchoingIt(string token)
    {
        var options = Webhook();
        options.BotToken = token;

        var failure = Assert.Single(Failures(options));
        Assert.StartsWith("Telegram:BotToken", failure, StringComparison.Ordinal);
        Assert.DoesNotContain(token, failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("00:00:11")]
    public void NamesTheKeyOfAnOutOfRangeCallbackAnswerWait(string wait)
    {
        var options = Webhook();
        options.CallbackAnswerWait = TimeSpan.Parse(wait, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Contains(Failures(options), f => f.StartsWith("Telegram:CallbackAnswerWait must be between 00:00:00 (off) and 00:00:10", StringComparison.Ordinal));
    }

    [Fact]
    public void NeedsNoWebhookSettingsInPollingMode()
    {
        Assert.Empty(Failures(new TelegramOptions { BotToken = "123456:TEST" }));
    }

    [Fact]
    public void StopsStartupWithMessageNamingTheKey()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = "123456:TEST",
            ["Telegram:Mode"] = "Webhook",
            ["Telegram:WebhookUrl"] = "https://feedback.example.com/api/telegram",
        };
        using var services = TestServices.Build(settings);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<TelegramOptions>>().Value);
        Assert.Contains("Telegram:WebhookSecret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegistersNothingWithoutToken()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Telegram:BotToken"] = "" });
        var before = builder.Services.Count;
        builder.Services.AddTelegram(builder.Configuration);
        Assert.Equal(before, builder.Services.Count);

        await using var app = builder.Build();
        app.MapTelegram();

        Assert.Empty(((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints));
        Assert.DoesNotContain(app.Services.GetServices<IHostedService>(), s => s is TelegramPollingService or TelegramWebhookRegistration);
    }
}
