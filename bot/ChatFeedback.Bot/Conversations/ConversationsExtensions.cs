using ChatFeedback.Adapters;
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
        builder.Services.AddSingleton<TurnProcessor>();
        builder.Services.AddSingleton<TurnQueue>();
        builder.Services.AddSingleton<IInboundSink>(sp => sp.GetRequiredService<TurnQueue>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TurnQueue>());
        return builder;
    }
}
