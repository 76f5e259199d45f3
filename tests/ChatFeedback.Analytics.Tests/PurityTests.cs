namespace ChatFeedback.Analytics.Tests;

public class PurityTests
{
    [Fact]
    public void TheEngineReferencesOnlyTheRuntimeAndMathNet()
    {
        // A pure library: no web, HTTP, database, file-system, logging or host assembly, and no other project.
        var references = typeof(Scores).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "").ToList();
        Assert.Contains("MathNet.Numerics", references);
        Assert.All(references, name => Assert.True(
            name == "MathNet.Numerics" || (name.StartsWith("System.", StringComparison.Ordinal)
                && !name.StartsWith("System.Net", StringComparison.Ordinal)
                && !name.StartsWith("System.IO", StringComparison.Ordinal)
                && !name.StartsWith("System.Data", StringComparison.Ordinal)),
            $"ChatFeedback.Analytics references {name}"));
    }
}
