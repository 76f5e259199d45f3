using System.Text.RegularExpressions;
using ChatFeedback.Adapters.Telegram;
using ChatFeedback.Dialogs;

namespace ChatFeedback.Bot.Channels;

/// <summary>The Telegram channel, and the command menu it publishes, built from the flows' shortcuts and global commands.</summary>
public static partial class TelegramChannel
{
    // What the global commands do, for the client's command menu; the commands themselves are words in global.yaml.
    private static readonly Dictionary<GlobalCommand, (string En, string Zh)> CommandDescriptions = new()
    {
        [GlobalCommand.Menu] = ("Main menu", "主菜单"),
        [GlobalCommand.Agent] = ("Talk to a person", "联系人工客服"),
        [GlobalCommand.Help] = ("How to answer and what you can type", "使用帮助"),
        [GlobalCommand.Stop] = ("Stop all messages from us", "不再接收消息"),
    };

    [GeneratedRegex("^/[a-z0-9_]{1,32}$")]
    private static partial Regex TelegramCommandPattern();

    public static IHostApplicationBuilder AddTelegramChannel(this IHostApplicationBuilder builder)
    {
        builder.Services.AddTelegram(builder.Configuration);
        builder.Services.AddSingleton<IEnumerable<TelegramCommand>>(sp => Commands(sp.GetRequiredService<FlowCatalog>()));
        return builder;
    }

    /// <summary>
    /// The slash words of the global commands and shortcuts that Telegram accepts as commands, once per language
    /// (English is also the default list); shortcut descriptions are the flows' titles.
    /// </summary>
    public static IReadOnlyList<TelegramCommand> Commands(FlowCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var commands = new List<TelegramCommand>();
        foreach (var locale in catalog.Global.Locales)
        {
            var language = locale.Split('-')[0].ToLowerInvariant();
            var chinese = language == "zh";
            foreach (var (command, description) in CommandDescriptions)
            {
                if (SlashWord(catalog.Global.CommandWords[command]) is { } word)
                {
                    commands.Add(new TelegramCommand(word, chinese ? description.Zh : description.En, language));
                }
            }

            foreach (var (flowId, words) in catalog.Global.Shortcuts)
            {
                if (SlashWord(words) is { } word && catalog.FindLatest(flowId) is { } flow)
                {
                    commands.Add(new TelegramCommand(word, flow.Title?.Resolve(locale, flow.DefaultLocale) ?? flow.Id, language));
                }
            }
        }

        // The default list, for clients in other languages.
        commands.AddRange(commands.Where(c => c.LanguageCode == "en").Select(c => c with { LanguageCode = null }).ToList());
        return commands.DistinctBy(c => (c.Command, c.LanguageCode)).ToList();
    }

    private static string? SlashWord(IEnumerable<string> words) =>
        words.FirstOrDefault(w => TelegramCommandPattern().IsMatch(w))?[1..];
}
