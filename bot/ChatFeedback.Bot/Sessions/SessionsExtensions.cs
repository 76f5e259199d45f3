using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Sessions;

public static class SessionsExtensions
{
    /// <summary>Sessions and dedupe; in-process for the embedded default (Redis comes with its own issue).</summary>
    public static IHostApplicationBuilder AddSessions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SessionsOptions>().BindConfiguration(SessionsOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SessionsOptions>, SessionsOptionsValidator>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ISessionStore, InMemorySessionStore>();
        builder.Services.AddSingleton<IMessageDeduplicator, InMemoryMessageDeduplicator>();
        return builder;
    }
}
