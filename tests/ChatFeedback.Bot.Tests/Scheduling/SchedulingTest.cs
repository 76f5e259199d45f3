using ChatFeedback.Bot.Tests.Telegram;

namespace ChatFeedback.Bot.Tests.Scheduling;

/// <summary>
/// A scheduling test on one backend (subclasses choose it): its own Bot API stub and database, and a host started on
/// first use at <see cref="StartAt"/>. <see cref="RestartAsync"/> disposes the host and starts another on the same database.
/// </summary>
public abstract class SchedulingTest : IAsyncLifetime
{
    private SchedulingHost? _host;

    protected abstract IRecordsBackend Backend { get; }

    protected abstract DateTimeOffset StartAt { get; }

    private protected BotApiStub Api { get; } = new();

    private protected SchedulingHost Host => _host ??= SchedulingHost.Start(Api, Backend, StartAt);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        Api.Dispose();
        await Backend.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Stops the service and starts it again at <paramref name="at"/> on the same database (downtime in between).</summary>
    private protected async Task RestartAsync(DateTimeOffset at)
    {
        await Host.DisposeAsync();
        _host = SchedulingHost.Start(Api, Backend, at);
        _host.Factory.CreateClient().Dispose(); // starts the host
    }
}
