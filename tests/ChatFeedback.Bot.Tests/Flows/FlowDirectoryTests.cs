using ChatFeedback.Bot.Flows;
using ChatFeedback.Bot.Tests.Support;

namespace ChatFeedback.Bot.Tests.Flows;

public sealed class FlowDirectoryTests
{
    [Fact]
    public void DefaultPathFindsTheRepositoryFlowsFromInsideTheRepository()
    {
        // Tests run in the test project's output folder, below the repository root.
        Assert.Equal(Path.GetFullPath(RepoPaths.Flows), FlowDirectory.Resolve(FlowsOptions.DefaultPath));
    }

    [Fact]
    public void DefaultPathFallsBackToTheCopyNextToTheExecutable()
    {
        Assert.Equal(FlowDirectory.Bundled, FlowDirectory.Candidates(FlowsOptions.DefaultPath)[^1]);
        Assert.True(Directory.Exists(FlowDirectory.Bundled), "the build copies dialogs/flows into the output as flows/");
    }

    [Fact]
    public void AbsolutePathIsTakenAsItIs()
    {
        Assert.Equal([RepoPaths.Flows], FlowDirectory.Candidates(RepoPaths.Flows));
    }

    [Fact]
    public void RelativePathThatExistsNowhereResolvesToNothing()
    {
        Assert.Null(FlowDirectory.Resolve("no/such/flows-" + Guid.NewGuid().ToString("N")));
    }
}
