using System.Net;
using ChatFeedback.Bot.Cli;
using ChatFeedback.Bot.Tests.Support;

namespace ChatFeedback.Bot.Tests.Cli;

/// <summary>
/// The executable's command line, run as a real process: a verb runs its tool, an unknown verb prints the usage and
/// exits with 2 without starting the service, and configuration switches alone start it.
/// </summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly TempDirectory _cwd = new();

    public void Dispose() => _cwd.Dispose();

    [Theory]
    [InlineData("assess", "The parcel arrived broken")] // triage's sub-command without the verb
    [InlineData("frobnicate")]
    [InlineData("--Logging:LogLevel:Default=Warning", "stray")]
    [InlineData("-v")]
    public async Task AnUnknownCommandPrintsTheUsageToStderrAndExitsTwoWithoutListening(params string[] args)
    {
        var port = BotProcess.FreePort();

        var result = await BotProcess.RunAsync(_cwd.Path, [.. args, $"--urls=http://127.0.0.1:{port}"]);

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}\n{result.Output}\n{result.Error}");
        Assert.Contains("usage:", result.Error, StringComparison.Ordinal);
        foreach (var verb in CommandLine.Verbs)
        {
            Assert.Contains($"  {verb.Name}", result.Error, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Now listening", result.Output, StringComparison.Ordinal);
        Assert.False(await BotProcess.ListensAsync(port));
    }

    [Fact]
    public async Task HelpPrintsTheUsageToStdoutAndExitsZero()
    {
        var result = await BotProcess.RunAsync(_cwd.Path, "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("flows", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKnownCommandRunsItsTool()
    {
        var result = await BotProcess.RunAsync(_cwd.Path, "flows", "validate", RepoPaths.Flows);

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("flows valid", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--urls={0}")]
    [InlineData("--urls", "{0}")]
    [InlineData("/urls={0}")]
    [InlineData("urls={0}")]
    public async Task ConfigurationSwitchesAloneStartTheService(params string[] template)
    {
        var url = $"http://127.0.0.1:{BotProcess.FreePort()}";
        string[] args = [.. template.Select(a => string.Format(System.Globalization.CultureInfo.InvariantCulture, a, url)), $"--Storage:DataPath={_cwd.Path}"];

        using var bot = await BotProcess.StartServiceAsync(_cwd.Path, args);
        using var client = new HttpClient { BaseAddress = bot.Url };
        using var health = await client.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(new Uri(url), bot.Url);
    }

    [Theory]
    [InlineData(new string[0], null)]
    [InlineData(new[] { "--urls", "http://x", "--Flows:Path=/srv/flows" }, null)]
    [InlineData(new[] { "/Key", "value", "Other=1" }, null)]
    [InlineData(new[] { "--urls", "http://x", "triage" }, "triage")]
    [InlineData(new[] { "triage", "--locale", "zh-CN" }, "triage")]
    [InlineData(new[] { "-x=1" }, "-x=1")]
    public void FindsTheFirstArgumentThatIsNotConfiguration(string[] args, string? expected)
    {
        Assert.Equal(expected, CommandLine.FirstPositional(args));
    }
}
