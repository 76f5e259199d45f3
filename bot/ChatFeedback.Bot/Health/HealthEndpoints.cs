using System.Text.Json;
using ChatFeedback.Dialogs;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatFeedback.Bot.Health;

/// <summary><c>GET /health</c>: 200 <c>{"status":"healthy","flows":5}</c>, 503 when a check fails. Later stores add their own checks.</summary>
public static class HealthEndpoints
{
    public const string Route = "/health";

    public static IHostApplicationBuilder AddHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks().AddCheck<FlowCatalogHealthCheck>("flows");
        return builder;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(Route, new HealthCheckOptions { ResponseWriter = WriteResponseAsync })
            .WithName("Health")
            .DisableHttpMetrics();
        return endpoints;
    }

    private static async Task WriteResponseAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter.AsStream());
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString().ToLowerInvariant());
        if (report.Entries.TryGetValue("flows", out var flows) && flows.Data.TryGetValue("flows", out var count) && count is int flowCount)
        {
            json.WriteNumber("flows", flowCount);
        }

        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteString(name, entry.Status.ToString().ToLowerInvariant());
        }

        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }
}

/// <summary>Healthy with the number of loaded flows (the catalog is loaded at start-up, so it is there once we serve).</summary>
internal sealed class FlowCatalogHealthCheck(FlowCatalog catalog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var count = catalog.Latest.Count();
        return Task.FromResult(HealthCheckResult.Healthy(
            $"{count} flows loaded",
            new Dictionary<string, object> { ["flows"] = count }));
    }
}
