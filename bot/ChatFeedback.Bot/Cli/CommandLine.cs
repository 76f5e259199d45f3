using ChatFeedback.Bot.Assessment;
using ChatFeedback.Bot.Flows;

namespace ChatFeedback.Bot.Cli;

/// <summary>
/// The executable's command line. A first argument naming a verb runs that tool and exits; no positional argument at
/// all starts the web host, which reads the switches as configuration (<c>--Key=Value</c>, <c>--Key Value</c>,
/// <c>/Key=Value</c>, <c>Key=Value</c>, <c>--urls …</c>). Anything else is a mistyped or unknown verb: the usage goes to
/// stderr and the exit code is 2, because a typo that silently starts a server is worse than an error.
/// </summary>
public sealed class CommandLine(IReadOnlyList<CliVerb> verbs, TextWriter output, TextWriter error)
{
    public const int UsageExitCode = 2;

    /// <summary>The verbs of this build, in the order the usage lists them: a new tool is one line here.</summary>
    public static IReadOnlyList<CliVerb> Verbs { get; } =
    [
        FlowsCli.Verb,
        TriageCli.Verb,
    ];

    /// <summary>Runs the verb <paramref name="args"/> names and returns its exit code; null when the web host should start.</summary>
    public static int? Run(IReadOnlyList<string> args) => new CommandLine(Verbs, Console.Out, Console.Error).TryRun(args);

    /// <inheritdoc cref="Run"/>
    public int? TryRun(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count == 0)
        {
            return null;
        }

        if (args[0] is "help" or "--help" or "-h" or "-?" or "/?")
        {
            WriteUsage(output);
            return 0;
        }

        if (verbs.FirstOrDefault(v => string.Equals(v.Name, args[0], StringComparison.OrdinalIgnoreCase)) is { } verb)
        {
            return verb.Run([.. args.Skip(1)]);
        }

        if (FirstPositional(args) is { } stray)
        {
            error.WriteLine($"'{stray}' is not a command of this program, and not a configuration switch.");
            WriteUsage(error);
            return UsageExitCode;
        }

        return null;
    }

    /// <summary>
    /// The arguments to build the web host with: <paramref name="args"/>, behind a default content root of the
    /// executable's folder. The host's own files (appsettings.json, the web chat page) travel with the build, while the
    /// working directory stays the caller's, for the paths they type (<see cref="UserPaths"/>). A <c>--contentRoot</c>
    /// given later (by the person, or by WebApplicationFactory in tests) wins: the last value of a switch counts.
    /// </summary>
    public static string[] HostArguments(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return [$"--{HostDefaults.ContentRootKey}={AppContext.BaseDirectory}", .. args];
    }

    /// <summary>
    /// The first argument that ASP.NET's command-line configuration would silently ignore: neither a switch
    /// (<c>--Key</c>, <c>/Key</c>, with its value after <c>=</c> or as the next argument) nor <c>Key=Value</c>.
    /// </summary>
    public static string? FirstPositional(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal) || arg.StartsWith('/'))
            {
                if (!arg.Contains('=', StringComparison.Ordinal))
                {
                    i++; // --Key Value: the next argument is the value
                }

                continue;
            }

            if (!arg.StartsWith('-') && arg.IndexOf('=', StringComparison.Ordinal) > 0)
            {
                continue; // Key=Value
            }

            return arg;
        }

        return null;
    }

    private void WriteUsage(TextWriter writer)
    {
        var width = verbs.Count == 0 ? 0 : verbs.Max(v => v.Name.Length);
        writer.WriteLine("usage: ChatFeedback.Bot <command> [arguments]     run a tool and exit");
        writer.WriteLine("       ChatFeedback.Bot [--Key=Value ...]         start the service (switches are configuration)");
        writer.WriteLine("commands:");
        foreach (var verb in verbs)
        {
            writer.WriteLine($"  {verb.Name.PadRight(width)}  {verb.Summary}");
        }
    }
}
