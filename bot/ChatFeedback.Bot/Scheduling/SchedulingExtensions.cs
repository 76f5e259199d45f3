using ChatFeedback.Bot.Cases;
using ChatFeedback.Bot.Purchases;
using ChatFeedback.Bot.Records;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace ChatFeedback.Bot.Scheduling;

public static class SchedulingExtensions
{
    /// <summary>
    /// Quartz with its persistent ADO store in the records database (SQLite by default; PostgreSQL clustered, so
    /// instances share one schedule), its tables created when missing; the invitation, reminder, expiry, check-in and
    /// SLA jobs; purchases, cases and the follow-up planner that feed it. Registered after the records store,
    /// so it starts after the migrations; the scheduler's clock is the container's <see cref="TimeProvider"/>.
    /// </summary>
    public static IHostApplicationBuilder AddScheduling(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddContactTimePolicy();
        services.AddOptions<SchedulingOptions>().BindConfiguration(SchedulingOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SchedulingOptions>, SchedulingOptionsValidator>();

        services.AddSingleton<ScheduledWork>();
        services.AddSingleton<ProactiveSender>();
        services.AddSingleton<InvitationService>();
        services.AddSingleton<CheckInService>();
        services.AddSingleton<SlaService>();
        services.AddSingleton<CaseService>();
        services.AddSingleton<PurchaseService>();

        // The provider decides the driver and whether to cluster, so it is read now; the connection string comes from
        // the validated storage options when the store first connects (test hosts add configuration late).
        var postgres = builder.Configuration.GetValue<StorageProvider>($"{StorageOptions.SectionName}:Provider") == StorageProvider.Postgres;
        var scheduling = builder.Configuration.GetSection(SchedulingOptions.SectionName).Get<SchedulingOptions>() ?? new SchedulingOptions();
        builder.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler =>
            {
                scheduler.InstanceName = "chatfeedback";
                scheduler.MaxBatchSize = scheduling.MaxConcurrency; // a minute with thousands due is taken a batch at a time
            });
            quartz.UseDefaultThreadPool(scheduling.MaxConcurrency);
            quartz.UsePersistentStore(store =>
            {
                store.ProvisionSchema();
                store.UseSystemTextJsonSerializer();
                store.ConfigureStore(options =>
                {
                    options.AcceptEnlistedTransactions = postgres; // rows and triggers commit together there (ScheduledWork)
                    options.MisfireThreshold = scheduling.MisfireThreshold;
                    options.StoreJobDataAsStrings = true;
                });
                if (postgres)
                {
                    store.UsePostgres(source => source.DataSourceFactory = sp => NpgsqlDataSource.Create(ConnectionString(sp)));
                    store.UseClustering(_ => { });
                }
                else
                {
                    store.UseSqlite(source => source.DataSourceFactory = sp => new SchedulerSqliteDataSource(ConnectionString(sp)));
                }
            });

            quartz.AddJob<SendInvitationJob>(job => job.WithIdentity(ScheduledJobs.SendInvitation).StoreDurably());
            quartz.AddJob<SendReminderJob>(job => job.WithIdentity(ScheduledJobs.SendReminder).StoreDurably());
            quartz.AddJob<ExpireInvitationJob>(job => job.WithIdentity(ScheduledJobs.ExpireInvitation).StoreDurably());
            quartz.AddJob<SendCheckInJob>(job => job.WithIdentity(ScheduledJobs.SendCheckIn).StoreDurably());
            quartz.AddJob<SlaCheckJob>(job => job.WithIdentity(ScheduledJobs.SlaCheck).StoreDurably());
            quartz.AddTrigger(trigger => trigger
                .WithIdentity("sla-sweep", ScheduledJobs.Group)
                .ForJob(ScheduledJobs.SlaCheck)
                .StartNow()
                .WithSimpleSchedule(s => s.WithInterval(scheduling.SlaSweepInterval).RepeatForever()
                    .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NowWithExistingCount)));
        });
        builder.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        services.AddHostedService<ScheduleRepairService>(); // after the scheduler's start: see ScheduleRepairService
        services.AddFollowUpPlanner(); // after the scheduler too: see AddFollowUpPlanner
        return builder;
    }

    /// <summary>The contact-time rules (<c>Invitations:*</c>, <c>CheckIns:*</c>) as one <see cref="ContactTimePolicy"/>.</summary>
    internal static IServiceCollection AddContactTimePolicy(this IServiceCollection services)
    {
        services.AddOptions<InvitationOptions>().BindConfiguration(InvitationOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<InvitationOptions>, InvitationOptionsValidator>();
        services.AddOptions<CheckInOptions>().BindConfiguration(CheckInOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CheckInOptions>, CheckInOptionsValidator>();
        services.AddSingleton(sp => new ContactTimePolicy(
            sp.GetRequiredService<IOptions<InvitationOptions>>().Value,
            sp.GetRequiredService<IOptions<CheckInOptions>>().Value));
        return services;
    }

    /// <summary>
    /// The <see cref="IFollowUpPlanner"/> the turn's records plan check-ins with, and its trigger writer. Registered after
    /// the Quartz hosted service, so it stops before the scheduler does (hosted services stop in reverse) and sets the
    /// triggers still queued first.
    /// </summary>
    internal static IServiceCollection AddFollowUpPlanner(this IServiceCollection services)
    {
        services.AddSingleton<FollowUpPlanner>();
        services.AddSingleton<IFollowUpPlanner>(sp => sp.GetRequiredService<FollowUpPlanner>());
        services.AddHostedService(sp => sp.GetRequiredService<FollowUpPlanner>());
        return services;
    }

    private static string ConnectionString(IServiceProvider services) =>
        services.GetRequiredService<IOptions<StorageOptions>>().Value.ResolvedConnectionString;
}
