namespace ChatFeedback.Dialogs;

/// <summary>Reads flow files and global.yaml into a validated <see cref="FlowCatalog"/>, collecting every error.</summary>
public static class FlowLoader
{
    public const string GlobalFileName = "global.yaml";
    public const string TranscriptSuffix = ".test.yaml";

    /// <summary>Loads <c>global.yaml</c> and every other <c>*.yaml</c> below <paramref name="directory"/> (transcripts excluded).</summary>
    public static FlowLoadResult LoadDirectory(string directory) => throw new NotImplementedException();

    /// <summary>Loads the given files; exactly one must be named <c>global.yaml</c>.</summary>
    public static FlowLoadResult Load(IEnumerable<FlowSource> sources) => throw new NotImplementedException();
}
