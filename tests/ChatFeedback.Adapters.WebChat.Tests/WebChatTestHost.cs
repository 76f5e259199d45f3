using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ChatFeedback.Adapters;
using ChatFeedback.Adapters.WebChat;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ChatFeedback.Adapters.WebChat.Tests;

/// <summary>A real ASP.NET Core app on a TestServer with only the web chat mapped and a recording sink.</summary>
public sealed class WebChatTestHost : IAsyncDisposable
{
    private WebChatTestHost(WebApplication app, RecordingSink sink, FakeTimeProvider time, RecordingLoggerProvider logs)
    {
        App = app;
        Sink = sink;
        Time = time;
        Logs = logs;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public RecordingSink Sink { get; }

    public FakeTimeProvider Time { get; }

    /// <summary>What the channel logged (ChatFeedback categories, Debug and up).</summary>
    public RecordingLoggerProvider Logs { get; }

    public HttpClient Client { get; }

    public IChannelAdapter Adapter => App.Services.GetServices<IChannelAdapter>().Single(a => a.ChannelId == "webchat");

    public static async Task<WebChatTestHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        var logs = new RecordingLoggerProvider();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        var sink = new RecordingSink();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton<IInboundSink>(sink);
        builder.Services.AddWebChat(builder.Configuration);

        var app = builder.Build();
        app.MapWebChat();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new WebChatTestHost(app, sink, time, logs);
    }

    public async Task<WebChatOpenResponse> OpenAsync(string? locale = "en")
    {
        using var response = await Client.PostAsJsonAsync("/api/webchat/conversations", new { locale }, TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<WebChatOpenResponse>(TestContext.Current.CancellationToken);
        return body!;
    }

    public async Task<HttpResponseMessage> PostRawAsync(WebChatOpenResponse conversation, string json, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webchat/conversations/{conversation.ConversationId}/messages")
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? conversation.Token);
        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }
}

/// <summary>An <see cref="IInboundSink"/> that records what it is given and answers as told.</summary>
public sealed class RecordingSink : IInboundSink
{
    private readonly ConcurrentDictionary<string, byte> _seen = new();

    public ConcurrentQueue<InboundMessage> Messages { get; } = new();

    /// <summary>Forces every answer, e.g. <see cref="EnqueueResult.Rejected"/>; null = queued, or duplicate for a repeated id.</summary>
    public EnqueueResult? Answer { get; set; }

    public ValueTask<EnqueueResult> EnqueueAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        if (Answer is { } forced)
        {
            return ValueTask.FromResult(forced);
        }

        if (!_seen.TryAdd(message.MessageId, 0))
        {
            return ValueTask.FromResult(EnqueueResult.Duplicate);
        }

        Messages.Enqueue(message);
        return ValueTask.FromResult(EnqueueResult.Queued);
    }
}

public static class ProblemJson
{
    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }
}
