namespace ChatFeedback.Bot.Cli;

/// <summary>
/// Paths a person gives, on the command line or in configuration (<c>flows validate &lt;dir&gt;</c>, <c>Flows:Path</c>,
/// <c>Storage:DataPath</c>, a file to read), are relative to where that person stands: the process's working directory,
/// which <c>dotnet run</c> keeps as the caller's (<c>RunWorkingDirectory</c> in the project file). This is the one
/// place that resolves them, and the one that says exactly where it looked when nothing is there.
/// </summary>
public static class UserPaths
{
    /// <summary>The full path of <paramref name="path"/>: as it is when absolute, else from the working directory.</summary>
    public static string Resolve(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Path.GetFullPath(path, Directory.GetCurrentDirectory());
    }

    /// <summary>Resolves a file the person named; false with a message naming the full path when it does not exist.</summary>
    /// <param name="what">What the file is, for the message: "transcript file".</param>
    public static bool TryFindFile(string path, string what, out string fullPath, out string error) =>
        TryFind(path, what, File.Exists, out fullPath, out error);

    /// <summary>Resolves a folder the person named; false with a message naming the full path when it does not exist.</summary>
    /// <param name="what">What the folder is, for the message: "flow folder".</param>
    public static bool TryFindDirectory(string path, string what, out string fullPath, out string error) =>
        TryFind(path, what, Directory.Exists, out fullPath, out error);

    /// <summary>"The flow folder 'x' does not exist (looked in /a/x, /b/x)." — every path tried, in the order tried.</summary>
    public static string NotFound(string what, string given, IEnumerable<string> tried) =>
        $"The {what} '{given}' does not exist (looked in {string.Join(", ", tried)}).";

    private static bool TryFind(string path, string what, Func<string, bool> exists, out string fullPath, out string error)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        fullPath = Resolve(path);
        if (exists(fullPath))
        {
            error = string.Empty;
            return true;
        }

        error = NotFound(what, path, [fullPath]);
        return false;
    }
}
