namespace ChatFeedback.Bot.Tests.Support;

/// <summary>Finds the repository (the folder holding ChatFeedback.sln) from the test's output folder.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    public static string Flows => Path.Combine(Root, "dialogs", "flows");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ChatFeedback.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No ChatFeedback.sln above {AppContext.BaseDirectory}.");
    }
}

/// <summary>A scratch folder deleted at the end of the test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "chatfeedback-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>A copy of the repository's flows (transcripts included) to break on purpose.</summary>
    public static TempDirectory WithRepoFlows()
    {
        var temp = new TempDirectory();
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Flows, "*", SearchOption.AllDirectories))
        {
            var target = System.IO.Path.Combine(temp.Path, System.IO.Path.GetRelativePath(RepoPaths.Flows, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return temp;
    }

    public string Write(string relativePath, string text)
    {
        var target = System.IO.Path.Combine(Path, relativePath);
        File.WriteAllText(target, text);
        return target;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a leftover temp folder is harmless
        }
    }
}

internal static class BrokenFlows
{
    public const string FileName = "broken.yaml";

    /// <summary>A flow whose only step goes to a step that does not exist.</summary>
    public const string DanglingNext = """
        id: broken
        version: 1
        defaultLocale: en
        locales: [en, zh-CN]
        title: { en: Broken, zh-CN: 坏的 }
        steps:
          - id: hello
            kind: message
            text: { en: Hello, zh-CN: 你好 }
            next: nowhere
        """;
}
