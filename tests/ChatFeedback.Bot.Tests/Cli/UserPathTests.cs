using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ChatFeedback.Bot.Tests.Support;

namespace ChatFeedback.Bot.Tests.Cli;

/// <summary>
/// Paths a person types are from where they stand: the built executable run as a process, from the repository root
/// and from a folder elsewhere, with relative and absolute paths; errors name exactly the paths tried.
/// </summary>
public sealed class UserPathTests : IDisposable
{
    private readonly TempDirectory _elsewhere = TempDirectory.WithRepoFlows();

    public void Dispose() => _elsewhere.Dispose();

    [Fact]
    public async Task FromTheRepositoryRootARelativeFlowFolderIsTheRepositorysOwn()
    {
        var result = await BotProcess.RunAsync(RepoPaths.Root, "flows", "validate", "dialogs/flows");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains($"flows valid in {RepoPaths.Flows}", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("validate", "flows valid in {0}")]
    [InlineData("test", " 0 failed")]
    public async Task FromAnotherFolderARelativeFlowFolderIsFromThatFolder(string command, string expected)
    {
        var result = await BotProcess.RunAsync(_elsewhere.Path, "flows", command, ".");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, _elsewhere.Path), result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SimulateReadsItsDirFromTheWorkingDirectory()
    {
        var sub = Path.Combine(_elsewhere.Path, "sub");
        Directory.CreateDirectory(sub);

        var result = await BotProcess.RunAsync(sub, "flows", "simulate", "post-purchase-survey", "--dir", "..", "--locale", "en");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("Very satisfied", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAbsoluteFlowFolderWorksFromAnywhere()
    {
        using var empty = new TempDirectory();

        var result = await BotProcess.RunAsync(empty.Path, "flows", "validate", _elsewhere.Path);

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
    }

    [Fact]
    public async Task AMissingFlowFolderIsReportedWithExactlyThePathThatWasTried()
    {
        using var empty = new TempDirectory();

        var result = await BotProcess.RunAsync(empty.Path, "flows", "validate", "dialogs/flows");

        Assert.Equal(1, result.ExitCode);
        var expected = Path.GetFullPath(Path.Combine(empty.Path, "dialogs", "flows"));
        Assert.Equal($"The flow folder 'dialogs/flows' does not exist (looked in {expected}).", result.Error.Trim());
    }

    [Fact]
    public async Task WithoutAFolderTheToolFallsBackToTheCopyNextToTheExecutable()
    {
        using var empty = new TempDirectory();

        var result = await BotProcess.RunAsync(empty.Path, "flows", "validate");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains(Path.Combine(Path.GetDirectoryName(BotProcess.Dll)!, "flows"), result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheServiceReadsFlowsAndWritesItsDataFromTheWorkingDirectoryAndServesItsPage()
    {
        var flows = Path.Combine(_elsewhere.Path, "team-flows");
        Directory.CreateDirectory(flows);
        foreach (var file in Directory.EnumerateFiles(_elsewhere.Path, "*.yaml"))
        {
            File.Copy(file, Path.Combine(flows, Path.GetFileName(file)));
        }

        using var bot = await BotProcess.StartServiceAsync(_elsewhere.Path, $"--urls=http://127.0.0.1:{BotProcess.FreePort()}", "--Flows:Path=team-flows");
        using var client = new HttpClient { BaseAddress = bot.Url };
        using var health = await client.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);
        using var page = await client.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains($"from {flows}", bot.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_elsewhere.Path, "data", "chatfeedback.db")), "Storage:DataPath's default, data, is from the working directory");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AServiceGivenAMissingFlowFolderStopsNamingTheKeyAndThePathTried()
    {
        using var empty = new TempDirectory();

        var result = await BotProcess.RunAsync(empty.Path, $"--urls=http://127.0.0.1:{BotProcess.FreePort()}", "--Flows:Path=team-flows", $"--Storage:DataPath={empty.Path}");

        Assert.NotEqual(0, result.ExitCode);
        var expected = Path.GetFullPath(Path.Combine(empty.Path, "team-flows"));
        Assert.Contains($"Flows:Path: The folder 'team-flows' does not exist (looked in {expected}).", result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DotnetRunStartsTheServiceInTheCallersDirectory()
    {
        // Evaluation only (no build): what `dotnet run --project bot/ChatFeedback.Bot` would use as the working directory.
        using var caller = new TempDirectory();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = caller.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "msbuild", Path.Combine(RepoPaths.Root, "bot", "ChatFeedback.Bot", "ChatFeedback.Bot.csproj"), "-getProperty:RunWorkingDirectory", "-nologo" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(0, process.ExitCode);
        Assert.Equal(Path.GetFullPath(caller.Path).TrimEnd('/'), output.Trim().TrimEnd('/'));
    }
}
