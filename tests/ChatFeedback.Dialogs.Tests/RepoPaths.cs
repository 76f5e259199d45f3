namespace ChatFeedback.Dialogs.Tests;

/// <summary>Finds the repository's folders from the test's output folder.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

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

        throw new InvalidOperationException("ChatFeedback.sln not found above " + AppContext.BaseDirectory);
    }
}
