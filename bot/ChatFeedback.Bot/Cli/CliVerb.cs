namespace ChatFeedback.Bot.Cli;

/// <summary>
/// A tool the executable runs instead of the web host: <c>ChatFeedback.Bot &lt;name&gt; …</c>.
/// </summary>
/// <param name="Name">The first argument that selects it (matched ignoring case).</param>
/// <param name="Summary">One line for the usage text.</param>
/// <param name="Run">Runs it with the arguments after the name; returns the process exit code.</param>
public sealed record CliVerb(string Name, string Summary, Func<IReadOnlyList<string>, int> Run);
