namespace ChatFeedback.Dialogs;

/// <summary>Reads <c>*.test.yaml</c> files.</summary>
public static class TranscriptLoader
{
    public static TranscriptLoadResult LoadDirectory(string directory) => throw new NotImplementedException();

    public static TranscriptLoadResult Load(IEnumerable<FlowSource> sources) => throw new NotImplementedException();
}

/// <summary>Plays transcripts against a catalog with the real engine.</summary>
public static class TranscriptRunner
{
    public static TranscriptResult Run(FlowCatalog catalog, Transcript transcript) => throw new NotImplementedException();
}
