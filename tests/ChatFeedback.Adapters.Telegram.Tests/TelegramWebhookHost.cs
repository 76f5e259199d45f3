using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatFeedback.Adapters.Telegram.Tests;

/// <summary>A real ASP.NET Core app on a TestServer with only the Telegram channel, in webhook mode, against the fake Bot API.</summary>
public sealed class TelegramWebhookHost : IAsyncDisposable
{
    private readonly MeterListener listener = new();
    private long ignored;

    private TelegramWebhookHost(WebApplication app, RecordingSink sink, FakeBotApi api, RecordingLoggerProvider logs)
    {
        App = app;
        Sink = sink;
        Api = api;
        Logs = logs;
        Client = app.GetTestClient();

        // Count only this app's meter: other tests run in parallel with their own.
        var factory = app.Services.GetRequiredService<IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == TelegramMetrics.MeterName && instrument.Name == TelegramMetrics.UpdatesIgnoredName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    LastIgnoredReason = tag.Value as string;
                }
            }

            Interlocked.Add(ref ignored, value);
        });
        listener.Start();
    }

    public WebApplication App { get; }

    public RecordingSink Sink { get; }

    public FakeBotApi Api { get; }

    /// <summary>What the channel logged (ChatFeedback categories, Debug and up).</summary>
    public RecordingLoggerProvider Logs { get; }

    public HttpClient Client { get; }

    public long Ignored => Interlocked.Read(ref ignored);

    public string? LastIgnoredReason { get; private set; }

    public const string Secret = "s3cret_Token-1";

    /// <param name="time">The host's clock; the system clock when null.</param>
    public static async Task<TelegramWebhookHost> StartAsync(IDictionary<string, string?>? overrides = null, Action<FakeBotApi>? arrange = null, TimeProvider? time = null)
    {
        var api = new FakeBotApi().Ok("setWebhook").Ok("setMyCommands");
        arrange?.Invoke(api);
        var settings = TestServices.Settings(api, TelegramMode.Webhook);
        settings["Telegram:MaxBodyBytes"] = "4096";
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(settings);
        var logs = new RecordingLoggerProvider();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        var sink = new RecordingSink();
        builder.Services.AddSingleton<IInboundSink>(sink);
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddTelegram(builder.Configuration);

        var app = builder.Build();
        app.MapTelegram();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new TelegramWebhookHost(app, sink, api, logs);
    }

    public async Task<HttpResponseMessage> PostAsync(string body, string? secret = Secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/telegram")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        if (secret is not null)
        {
            request.Headers.Add(TelegramEndpoints.SecretHeader, secret);
        }

        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        listener.Dispose();
        Client.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        Api.Dispose();
    }
}
