namespace ChatFeedback.Dialogs.Tests;

/// <summary>Runs every <c>*.test.yaml</c> beside the flows: adding a flow test needs no C#.</summary>
public sealed class FlowTranscriptTests
{
    private static readonly Lazy<FlowCatalog> Catalog = new(() => FlowLoader.LoadDirectory(RepoPaths.Flows).GetCatalogOrThrow());
    private static readonly Lazy<TranscriptLoadResult> Transcripts = new(() => TranscriptLoader.LoadDirectory(RepoPaths.Flows));

    public static TheoryData<string> TranscriptNames()
    {
        var data = new TheoryData<string>();
        foreach (var transcript in Transcripts.Value.Transcripts)
        {
            data.Add(transcript.ToString());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TranscriptNames))]
    public void TranscriptPasses(string transcript)
    {
        var test = Transcripts.Value.Transcripts.Single(t => t.ToString() == transcript);

        var result = TranscriptRunner.Run(Catalog.Value, test);

        Assert.True(result.Passed, $"{test.File}:{test.Line} {test.Name}{Environment.NewLine}{string.Join(Environment.NewLine, result.Failures)}");
    }

    [Fact]
    public void TranscriptFilesAreWellFormed()
    {
        Assert.True(Transcripts.Value.Errors.Count == 0, string.Join(Environment.NewLine, Transcripts.Value.Errors));
    }

    [Fact]
    public void EveryDefaultFlowHasTranscriptsInBothLanguages()
    {
        foreach (var flow in Catalog.Value.Latest)
        {
            foreach (var locale in new[] { "en", "zh-CN" })
            {
                Assert.True(
                    Transcripts.Value.Transcripts.Any(t => t.Locale == locale && (t.StartFlow == flow.Id || Path.GetFileName(t.File).StartsWith(flow.Id + ".", StringComparison.Ordinal))),
                    $"flow '{flow.Id}' has no transcript in {locale}");
            }
        }
    }
}
