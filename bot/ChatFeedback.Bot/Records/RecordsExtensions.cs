using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Records;

public static class RecordsExtensions
{
    private static readonly SqliteConnectionSettings SqliteSettings = new();

    /// <summary>
    /// The records store: SQLite in the data folder by default, PostgreSQL when <c>Storage:Provider</c> is Postgres.
    /// Migrations run on start, before anything reads or writes. Each turn's records are kept by
    /// <see cref="ITurnRecords"/> (<see cref="RecordsEffectHandler"/>); customers and consent by <see cref="ICustomerRecords"/>.
    /// </summary>
    /// <remarks>
    /// The provider is chosen from the validated options when a context is first created, not from
    /// <c>builder.Configuration</c> now: configuration sources added later (test hosts do) must count too.
    /// </remarks>
    public static IHostApplicationBuilder AddRecords(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) =>
                options.ConnectionString = configuration.GetConnectionString(StorageOptions.ConnectionStringName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddPooledDbContextFactory<SqliteRecordsDbContext>((provider, options) =>
            options.UseSqlite(provider.GetRequiredService<IOptions<StorageOptions>>().Value.ResolvedConnectionString)
                .AddInterceptors(SqliteSettings));
        services.AddPooledDbContextFactory<PostgresRecordsDbContext>((provider, options) =>
            options.UseNpgsql(provider.GetRequiredService<IOptions<StorageOptions>>().Value.ResolvedConnectionString));
        services.AddSingleton<IDbContextFactory<RecordsDbContext>, RecordsDbContextFactory>();
        services.AddHostedService<RecordsMigrator>();

        services.AddOptions<CasesOptions>().BindConfiguration(CasesOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CasesOptions>, CasesOptionsValidator>();
        services.AddSingleton<RecordsConnections>();
        services.AddSingleton<CustomerLookup>();
        services.AddSingleton<AnswerWriter>();
        services.AddSingleton<CustomerRecords>();
        services.AddSingleton<ICustomerRecords>(sp => sp.GetRequiredService<CustomerRecords>());
        services.AddSingleton<ICaseRecords, CaseRecords>();
        services.AddSingleton<ITurnRecords, RecordsEffectHandler>();
        return builder;
    }
}

/// <summary>Hands out contexts of the configured provider as <see cref="RecordsDbContext"/>.</summary>
internal sealed class RecordsDbContextFactory(IOptions<StorageOptions> options, IServiceProvider provider) : IDbContextFactory<RecordsDbContext>
{
    private readonly Func<RecordsDbContext> _create = options.Value.Provider == StorageProvider.Postgres
        ? provider.GetRequiredService<IDbContextFactory<PostgresRecordsDbContext>>().CreateDbContext
        : provider.GetRequiredService<IDbContextFactory<SqliteRecordsDbContext>>().CreateDbContext;

    public RecordsDbContext CreateDbContext() => _create();
}
