using ChatFeedback.Adapters;
using ChatFeedback.Bot.Outbound;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Conversations;

public static class ConversationsExtensions
{
    /// <summary>The turn pipeline: the queue adapters hand messages to (<see cref="IInboundSink"/>) and its workers.</summary>
    public static IHostApplicationBuilder AddConversations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TurnsOptions>().BindConfiguration(TurnsOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TurnsOptions>, TurnsOptionsValidator>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<OutboundOptions>().BindConfiguration(OutboundOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<OutboundOptions>, OutboundOptionsValidator>();
        builder.Services.AddSingleton<ConversationStatus>();
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<Backlog>();
        builder.Services.AddSingleton<OutboundQueue>();

        // Registered before the turn queue so it stops after it: turns drained at shutdown still get their replies out.
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboundQueue>());
        builder.Services.AddSingleton<TurnProcessor>();
        builder.Services.AddSingleton<TurnQueue>();
        builder.Services.AddSingleton<IInboundSink>(sp => sp.GetRequiredService<TurnQueue>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TurnQueue>());

        // After the turn queue (its workers drain what it queues) and, like every service added here, before the web
        // host, which WebApplication starts last: recovered messages are queued ahead of new ones.
        builder.Services.AddHostedService<TurnInboxRecovery>();
        return builder;
    }
}
