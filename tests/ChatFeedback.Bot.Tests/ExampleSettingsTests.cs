using System.Reflection;
using System.Text.RegularExpressions;
using ChatFeedback.Adapters.Teams;
using ChatFeedback.Adapters.Telegram;
using ChatFeedback.Adapters.WebChat;
using ChatFeedback.Bot.Conversations;
using ChatFeedback.Bot.Flows;
using ChatFeedback.Bot.Outbound;
using ChatFeedback.Bot.Records;
using ChatFeedback.Bot.Scheduling;
using ChatFeedback.Bot.Sessions;
using ChatFeedback.Bot.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace ChatFeedback.Bot.Tests;

/// <summary>appsettings.example.json documents every key the service reads, each with a comment, and is valid as it stands.</summary>
public sealed partial class ExampleSettingsTests
{
    private static readonly string ExampleFile = Path.Combine(RepoPaths.Root, "appsettings.example.json");

    private static readonly (string Section, Type Options)[] OptionsClasses =
    [
        (FlowsOptions.SectionName, typeof(FlowsOptions)),
        (SessionsOptions.SectionName, typeof(SessionsOptions)),
        (TurnsOptions.SectionName, typeof(TurnsOptions)),
        (WebChatOptions.SectionName, typeof(WebChatOptions)),
        (RedisOptions.SectionName, typeof(RedisOptions)),
        (OutboundOptions.SectionName, typeof(OutboundOptions)),
        (TelegramOptions.SectionName, typeof(TelegramOptions)),
        (TeamsOptions.SectionName, typeof(TeamsOptions)),
        (CasesOptions.SectionName, typeof(CasesOptions)),
        (InvitationOptions.SectionName, typeof(InvitationOptions)),
        (CheckInOptions.SectionName, typeof(CheckInOptions)),
        (SchedulingOptions.SectionName, typeof(SchedulingOptions)),
    ];

    // StorageOptions.ConnectionString is bound from ConnectionStrings:ChatFeedback, not from its own section.
    public static TheoryData<string> OptionKeys() => new(
        OptionsClasses.SelectMany(o => o.Options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .Select(p => $"{o.Section}:{p.Name}"))
        .Concat([
            $"{StorageOptions.SectionName}:{nameof(StorageOptions.Provider)}",
            $"{StorageOptions.SectionName}:{nameof(StorageOptions.DataPath)}",
            $"ConnectionStrings:{StorageOptions.ConnectionStringName}",
        ]));

    [Theory]
    [MemberData(nameof(OptionKeys))]
    public void EveryOptionKeyIsInTheExampleSettings(string key)
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(ExampleFile).Build();

        // A value, or a list (whose items are the key's children).
        Assert.True(configuration[key] is not null || configuration.GetSection(key).GetChildren().Any(), $"{key} is not in appsettings.example.json");
    }

    [Fact]
    public void EverySettingInTheExampleHasACommentAboveIt()
    {
        var lines = File.ReadAllLines(ExampleFile);
        for (var i = 0; i < lines.Length; i++)
        {
            var match = SettingLine().Match(lines[i]);
            if (match.Success)
            {
                Assert.True(i > 0 && lines[i - 1].TrimStart().StartsWith("//", StringComparison.Ordinal), $"line {i + 1}: \"{match.Groups[1].Value}\" has no // comment above it");
            }
        }
    }

    [Fact]
    public async Task TheServiceStartsWithTheExampleSettings()
    {
        await using var factory = new BotFactory(configure: builder => builder.AddJsonFile(ExampleFile));
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.True(response.IsSuccessStatusCode);
    }

    // A key with a scalar value (not an object): "Name": value
    [GeneratedRegex("""^\s*"([^"]+)"\s*:\s*[^{\s]""")]
    private static partial Regex SettingLine();
}
