using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatFeedback.LoadTool;

/// <summary>What the service asked of the channel, as the customer of that conversation sees it.</summary>
public enum BotCallKind
{
    Send,
    Edit,

    /// <summary>The answer to a press (Telegram callback query), with its notice in <see cref="BotCall.Text"/>.</summary>
    Answer,
}

/// <summary>
/// One button: its label, the question and value it answers, and what a press sends back (Telegram's
/// <c>callback_data</c>, or the JSON <c>data</c> of a Teams <c>Action.Execute</c>).
/// </summary>
public sealed record BotButton(string Text, string QuestionKey, string Value, string Payload);

/// <summary>A message the service sent (or edited) for one conversation; <see cref="ReceivedAt"/> is a <see cref="Stopwatch"/> timestamp.</summary>
public sealed record BotCall(BotCallKind Kind, long MessageId, string? Text, string? KeyboardJson, IReadOnlyList<BotButton> Buttons, long ReceivedAt);

/// <summary>
/// A channel's server side on loopback (the Telegram Bot API, the Bot Connector): a minimal Kestrel app that answers
/// every call at once, counts calls by name, and hands each call about a conversation to the customer playing it.
/// </summary>
/// <param name="malformedResponse">What a call whose body is not the JSON expected gets.</param>
public abstract class LoopbackStub(byte[] malformedResponse) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ChannelWriter<BotCall>> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _calls = new(StringComparer.Ordinal);
    private long _nextMessageId = 1000;
    private long _unrouted;
    private long _malformed;
    private WebApplication? _app;

    public int Port { get; private set; }

    /// <summary>Calls about a conversation no customer plays (any more): late replies after a timeout, or stray ones.</summary>
    public long Unrouted => Interlocked.Read(ref _unrouted);

    public long Malformed => Interlocked.Read(ref _malformed);

    /// <summary>Calls by name so far (plus answers the customers found in the service's HTTP responses).</summary>
    public IReadOnlyDictionary<string, long> Calls => new Dictionary<string, long>(_calls, StringComparer.Ordinal);

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.AddServerHeader = false;
        });
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Port = new Uri(address).Port;
    }

    public void Route(string conversationId, ChannelWriter<BotCall> inbox) => _routes[conversationId] = inbox;

    public void Unroute(string conversationId) => _routes.TryRemove(conversationId, out _);

    public void Count(string call) => _calls.AddOrUpdate(call, 1, static (_, n) => n + 1);

    /// <summary>A fresh id for a message the service sent.</summary>
    protected long NextMessageId() => Interlocked.Increment(ref _nextMessageId);

    /// <summary>Handles one call; returns its name (for the counts) and the response body, or throws <see cref="JsonException"/>.</summary>
    protected abstract (string Call, byte[] Response) Handle(HttpRequest request, ReadOnlySequence<byte> body, long receivedAt);

    protected void Deliver(string conversationId, BotCall call)
    {
        if (!_routes.TryGetValue(conversationId, out var inbox) || !inbox.TryWrite(call))
        {
            Interlocked.Increment(ref _unrouted);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var receivedAt = Stopwatch.GetTimestamp();
        var reader = context.Request.BodyReader;
        ReadResult read;
        while (true)
        {
            read = await reader.ReadAsync(context.RequestAborted);
            if (read.IsCompleted)
            {
                break;
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }

        byte[] response;
        try
        {
            (var call, response) = Handle(context.Request, read.Buffer, receivedAt);
            Count(call);
        }
        catch (JsonException)
        {
            Interlocked.Increment(ref _malformed);
            response = malformedResponse;
        }
        finally
        {
            reader.AdvanceTo(read.Buffer.End);
        }

        context.Response.ContentType = "application/json";
        context.Response.ContentLength = response.Length;
        await context.Response.Body.WriteAsync(response, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(timeout.Token);
            await _app.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
