using ChatFeedback.Bot.Cli;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Flows;

/// <summary>Where the flow files are: <c>Flows:Path</c>.</summary>
public sealed class FlowsOptions
{
    public const string SectionName = "Flows";

    public const string DefaultPath = "dialogs/flows";

    /// <summary>
    /// The folder of flow files. A relative path is from the working directory (<see cref="UserPaths"/>); the default
    /// also falls back to the nearest parent folder that has it (the repository, from a folder inside it) and to the
    /// copy the build puts next to the executable.
    /// </summary>
    public string Path { get; set; } = DefaultPath;
}

/// <summary>Turns the configured flow folder into a directory that exists, or says where it looked.</summary>
public static class FlowDirectory
{
    /// <summary>The folder the build copies <c>dialogs/flows</c> into, next to the executable.</summary>
    public static string Bundled => System.IO.Path.Combine(AppContext.BaseDirectory, "flows");

    /// <summary>The places a configured path may point to, in the order they are tried.</summary>
    public static IReadOnlyList<string> Candidates(string configured) => Candidates(configured, FlowsOptions.DefaultPath);

    /// <summary>The first existing candidate, or null.</summary>
    public static string? Resolve(string configured) => Resolve(configured, FlowsOptions.DefaultPath);

    /// <summary>The first existing candidate for a data folder of the repository whose default is <paramref name="defaultPath"/>.</summary>
    public static string? Resolve(string configured, string defaultPath) => Candidates(configured, defaultPath).FirstOrDefault(Directory.Exists);

    /// <summary>
    /// The places a configured data folder (flows, assessment rules) may point to, in the order they are tried; the build
    /// copies each default folder next to the executable under its last segment (<c>dialogs/flows</c> → <c>flows/</c>).
    /// </summary>
    public static IReadOnlyList<string> Candidates(string configured, string defaultPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configured);
        if (System.IO.Path.IsPathRooted(configured))
        {
            return [UserPaths.Resolve(configured)];
        }

        // A folder someone chose is where they said, from where they stand: one candidate, so an error names one path.
        var candidates = new List<string> { UserPaths.Resolve(configured) };
        if (!IsDefault(configured, defaultPath))
        {
            return candidates;
        }

        // The default, from a folder inside the repository: prefer the repository's own flows (the files being edited)
        // over the build's copy, which keeps files deleted from the source.
        for (var dir = Directory.GetParent(candidates[0]); dir is not null; dir = dir.Parent)
        {
            var inAncestor = System.IO.Path.Combine(dir.FullName, configured);
            if (!string.Equals(inAncestor, candidates[0], StringComparison.Ordinal) && Directory.Exists(inAncestor))
            {
                candidates.Add(inAncestor);
                break;
            }
        }

        // Published, or run from bin/: the default folder travels with the build (flows/, assessment/).
        candidates.Add(System.IO.Path.Combine(AppContext.BaseDirectory, defaultPath[(defaultPath.LastIndexOf('/') + 1)..]));
        return candidates;
    }

    private static bool IsDefault(string configured, string defaultPath) =>
        string.Equals(configured.Replace('\\', '/').TrimEnd('/'), defaultPath, StringComparison.Ordinal);
}

internal sealed class FlowsOptionsValidator : IValidateOptions<FlowsOptions>
{
    public ValidateOptionsResult Validate(string? name, FlowsOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            return ValidateOptionsResult.Fail($"{FlowsOptions.SectionName}:Path must name the folder of flow files (default '{FlowsOptions.DefaultPath}').");
        }

        return FlowDirectory.Resolve(options.Path) is null
            ? ValidateOptionsResult.Fail($"{FlowsOptions.SectionName}:Path: {UserPaths.NotFound("folder", options.Path, FlowDirectory.Candidates(options.Path))}")
            : ValidateOptionsResult.Success;
    }
}
