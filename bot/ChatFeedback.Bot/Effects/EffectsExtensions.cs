namespace ChatFeedback.Bot.Effects;

public static class EffectsExtensions
{
    public static IHostApplicationBuilder AddEffects(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IEffectHandler, LoggingEffectHandler>();
        builder.Services.AddSingleton<EffectDispatcher>();
        return builder;
    }
}
