using ChatFeedback.Dialogs;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Flows;

public static class FlowsExtensions
{
    /// <summary>Loads the flow catalog at start-up (an invalid flow set stops the service) and registers the engine.</summary>
    public static IHostApplicationBuilder AddFlows(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FlowsOptions>().BindConfiguration(FlowsOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<FlowsOptions>, FlowsOptionsValidator>();
        builder.Services.AddSingleton(LoadCatalog);
        builder.Services.AddSingleton<DialogEngine>();
        builder.Services.AddHostedService<FlowCatalogStartup>();
        return builder;
    }

    private static FlowCatalog LoadCatalog(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<FlowsOptions>>().Value;
        var directory = FlowDirectory.Resolve(options.Path)
            ?? throw new InvalidFlowSetException($"{FlowsOptions.SectionName}:Path: the folder '{options.Path}' does not exist.");

        // Throws InvalidFlowSetException, whose message lists every error as file:line:col: path: message.
        return FlowLoader.LoadDirectory(directory).GetCatalogOrThrow();
    }
}

/// <summary>Resolves the catalog while the host starts, so a broken flow set fails the start rather than the first turn.</summary>
internal sealed partial class FlowCatalogStartup(IServiceProvider services, IOptions<FlowsOptions> options, ILogger<FlowCatalogStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var path = options.Value.Path;
        FlowCatalog catalog;
        try
        {
            catalog = services.GetRequiredService<FlowCatalog>();
        }
        catch (InvalidFlowSetException ex)
        {
            InvalidFlows(ex, path);
            throw;
        }

        Loaded(catalog.Latest.Count(), catalog.All.Count(), FlowDirectory.Resolve(path));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Critical, "The flows in {FlowsPath} are invalid; the service cannot start")]
    private partial void InvalidFlows(Exception exception, string flowsPath);

    [LoggerMessage(LogLevel.Information, "Loaded {FlowCount} flows ({VersionCount} versions) from {FlowsPath}")]
    private partial void Loaded(int flowCount, int versionCount, string? flowsPath);
}
