using ChatFeedback.Bot.Records;
using ChatFeedback.Bot.Scheduling;
using ChatFeedback.Bot.Sessions;
using ChatFeedback.Bot.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Quartz;

namespace ChatFeedback.Bot.Tests.Records;

/// <summary>
/// A host with only the records services, on an empty database of the subclass's provider, migrated by the real
/// start-up, and on fake time from <paramref name="start"/>; follow-ups are planned by the real planner, with its
/// triggers in an in-memory scheduler that is never started.
/// </summary>
public abstract class RecordsHostTests(DateTimeOffset start) : IAsyncLifetime
{
    private RecordsStorage _storage = null!;
    private IHost _host = null!;

    protected FakeTimeProvider Time { get; } = new(start);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected IServiceProvider Services => _host.Services;

    protected ICustomerRecords Customers => Services.GetRequiredService<ICustomerRecords>();

    protected ITurnRecords Turns => Services.GetRequiredService<ITurnRecords>();

    protected Task<IScheduler> SchedulerAsync() => Services.GetRequiredService<ISchedulerFactory>().GetScheduler(Ct).AsTask();

    protected abstract Task<RecordsStorage> CreateStorageAsync();

    public async ValueTask InitializeAsync()
    {
        _storage = await CreateStorageAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(_storage.Settings);
        builder.Services.AddSingleton<TimeProvider>(Time);
        builder.Services.AddSingleton<ISessionStore>(new InMemorySessionStore(Options.Create(new SessionsOptions()), Time));
        builder.AddRecords();
        builder.Services.AddContactTimePolicy();
        builder.Services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler => scheduler.InstanceName = $"records-{Guid.NewGuid():N}"); // one per host
            quartz.UseInMemoryStore();
            quartz.AddJob<SendCheckInJob>(job => job.WithIdentity(ScheduledJobs.SendCheckIn).StoreDurably());
        });
        builder.Services.AddFollowUpPlanner();
        _host = builder.Build();
        await _host.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
        await _storage.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected RecordsDbContext Db() => Services.GetRequiredService<IDbContextFactory<RecordsDbContext>>().CreateDbContext();
}
