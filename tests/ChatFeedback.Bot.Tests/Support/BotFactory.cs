using ChatFeedback.Adapters;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ChatFeedback.Bot.Tests.Support;

/// <summary>The real service in memory, with the repository's flows, a recording test channel and a fake clock.</summary>
internal sealed class BotFactory(string? flowsPath = null, Action<IConfigurationBuilder>? configure = null, Action<IServiceCollection>? services = null, IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    // Each host keeps its records in a SQLite file of its own.
    private readonly TempDirectory _data = new();

    public RecordingChannelAdapter Channel { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 14, 9, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// Moves the service's clock on, a second at a time, until <paramref name="done"/> completes: for waits the
    /// service makes on its clock (retry backoff) that the test cannot see start.
    /// </summary>
    public async Task AdvanceUntilAsync(Task done, int maxSeconds = 600)
    {
        for (var i = 0; i < maxSeconds && !done.IsCompleted; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(done, Task.Delay(TimeSpan.FromMilliseconds(20), TestContext.Current.CancellationToken));
        }

        await done;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        if (configure is not null)
        {
            builder.ConfigureAppConfiguration((_, configuration) => configure(configuration));
        }

        builder.UseSetting("Flows:Path", flowsPath ?? RepoPaths.Flows);
        builder.UseSetting("Storage:DataPath", _data.Path);

        // UseSetting, not ConfigureAppConfiguration: some sections (the records' provider for Quartz) are read while Program runs.
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureTestServices(testServices =>
        {
            testServices.AddSingleton<IChannelAdapter>(Channel);
            testServices.AddSingleton<TimeProvider>(Time);
            services?.Invoke(testServices);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _data.Dispose();
        }
    }
}
