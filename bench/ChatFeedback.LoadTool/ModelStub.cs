using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatFeedback.LoadTool;

/// <summary>
/// An OpenAI-compatible chat-completions server on loopback that answers every call with the same valid verdict after a
/// fixed delay: the language model of a complaint run, so the service's assessment waits as it would on a real one.
/// </summary>
public sealed class ModelStub(TimeSpan delay) : IAsyncDisposable
{
    private static readonly byte[] Completion = """
        {"id":"chatcmpl-load","object":"chat.completion","created":1733000000,"model":"load-model","choices":[{"index":0,"message":{"role":"assistant","content":"{\"severity\":\"moderate\",\"scope\":\"individual\",\"category\":\"product_quality\",\"themes\":[\"product_quality\"],\"sentiment\":-0.6,\"flags\":[],\"rationale\":\"The product was faulty.\",\"confidence\":0.8}","refusal":null},"finish_reason":"stop"}],"usage":{"prompt_tokens":100,"completion_tokens":40,"total_tokens":140}}
        """u8.ToArray();

    private WebApplication? _app;
    private long _calls;

    public string Endpoint { get; private set; } = "";

    public long Calls => Interlocked.Read(ref _calls);

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(async context =>
        {
            Interlocked.Increment(ref _calls);
            await Task.Delay(delay, context.RequestAborted);
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(Completion, context.RequestAborted);
        });
        await _app.StartAsync();
        Endpoint = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/v1";
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(timeout.Token);
            await _app.DisposeAsync();
        }
    }
}
