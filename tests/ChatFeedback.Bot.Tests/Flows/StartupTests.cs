using ChatFeedback.Bot.Tests.Support;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Tests.Flows;

public sealed class StartupTests
{
    private static string AllMessages(Exception exception)
    {
        var messages = new List<string>();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
            if (e is AggregateException aggregate)
            {
                messages.AddRange(aggregate.InnerExceptions.Select(AllMessages));
            }
        }

        return string.Join(Environment.NewLine, messages);
    }

    [Fact]
    public async Task StartingWithAnInvalidFlowSetFailsNamingTheFileAndTheProblem()
    {
        using var flows = TempDirectory.WithRepoFlows();
        flows.Write(BrokenFlows.FileName, BrokenFlows.DanglingNext);
        await using var factory = new BotFactory(flows.Path);

        var error = Assert.ThrowsAny<Exception>(() => factory.Services);

        var message = AllMessages(error);
        Assert.Matches(@"broken\.yaml:\d+:\d+", message);
        Assert.Contains("nowhere", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartingWithAMissingFlowFolderFailsNamingTheKey()
    {
        await using var factory = new BotFactory(Path.Combine(Path.GetTempPath(), "no-such-flows-" + Guid.NewGuid().ToString("N")));

        var error = Assert.ThrowsAny<OptionsValidationException>(() => factory.Services);

        Assert.Contains("Flows:Path", error.Message, StringComparison.Ordinal);
    }
}
