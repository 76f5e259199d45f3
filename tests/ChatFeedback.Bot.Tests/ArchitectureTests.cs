using System.Reflection;
using System.Xml.Linq;
using ChatFeedback.Bot.Tests.Support;

namespace ChatFeedback.Bot.Tests;

/// <summary>
/// The dependency direction: bot → adapters, bot → dialogs; adapters and dialogs never reference each other or bot.
/// Checked on the compiled assemblies and on the project files, since the compiler drops references nothing uses.
/// </summary>
public sealed class ArchitectureTests
{
    private const string Bot = "ChatFeedback.Bot";
    private const string Dialogs = "ChatFeedback.Dialogs";
    private const string AdaptersPrefix = "ChatFeedback.Adapters";

    // What the pure engine must not know: web, HTTP and channel SDKs.
    private static readonly string[] ForbiddenInDialogs =
    [
        "Microsoft.AspNetCore", "Microsoft.Extensions.Http", "System.Net.Http", "System.Net.Sockets", "System.Net.WebSockets",
        "Microsoft.Bot", "Microsoft.Agents", "Telegram", AdaptersPrefix, Bot,
    ];

    private static IEnumerable<string> AdapterProjects() =>
        Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "adapters"), "*.csproj", SearchOption.AllDirectories)
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>();

    public static TheoryData<string> Adapters() => new(AdapterProjects());

    private static string ProjectFile(string project) =>
        Directory.EnumerateFiles(RepoPaths.Root, project + ".csproj", SearchOption.AllDirectories).Single(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static List<string> ProjectReferences(string project) =>
        XDocument.Load(ProjectFile(project)).Descendants("ProjectReference")
            .Select(e => Path.GetFileNameWithoutExtension(((string?)e.Attribute("Include") ?? "").Replace('\\', '/')))
            .ToList();

    private static List<string> FrameworkAndPackageReferences(string project) =>
        XDocument.Load(ProjectFile(project)).Descendants()
            .Where(e => e.Name.LocalName is "FrameworkReference" or "PackageReference")
            .Select(e => (string?)e.Attribute("Include") ?? "")
            .ToList();

    /// <summary>The compiled assembly's references, when the assembly is part of this build (every adapter the bot uses is).</summary>
    private static List<string>? AssemblyReferences(string assemblyName)
    {
        var file = Path.Combine(AppContext.BaseDirectory, assemblyName + ".dll");
        return File.Exists(file)
            ? Assembly.Load(new AssemblyName(assemblyName)).GetReferencedAssemblies().Select(a => a.Name ?? "").ToList()
            : null;
    }

    [Fact]
    public void DialogsReferencesNeitherAdaptersNorBotNorAnyWebHttpOrChannelAssembly()
    {
        var references = AssemblyReferences(Dialogs);
        Assert.NotNull(references);
        var declared = ProjectReferences(Dialogs).Concat(FrameworkAndPackageReferences(Dialogs)).ToList();

        foreach (var forbidden in ForbiddenInDialogs)
        {
            Assert.DoesNotContain(references, r => r.StartsWith(forbidden, StringComparison.Ordinal));
            Assert.DoesNotContain(declared, r => r.StartsWith(forbidden, StringComparison.Ordinal));
        }

        Assert.Empty(ProjectReferences(Dialogs));
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public void AdapterReferencesNeitherDialogsNorBot(string adapter)
    {
        var declared = ProjectReferences(adapter);
        Assert.DoesNotContain(Dialogs, declared);
        Assert.DoesNotContain(Bot, declared);
        Assert.All(declared, r => Assert.StartsWith(AdaptersPrefix, r, StringComparison.Ordinal));

        if (AssemblyReferences(adapter) is { } references)
        {
            Assert.DoesNotContain(Dialogs, references);
            Assert.DoesNotContain(Bot, references);
        }
    }

    [Fact]
    public void TheContractsProjectReferencesNoOtherProject()
    {
        Assert.Empty(ProjectReferences(AdaptersPrefix));
    }

    [Fact]
    public void EveryAdapterTheBotReferencesIsCheckedOnItsCompiledAssembly()
    {
        var botAdapters = ProjectReferences(Bot).Where(r => r.StartsWith(AdaptersPrefix, StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(botAdapters);
        Assert.All(botAdapters, adapter => Assert.NotNull(AssemblyReferences(adapter)));
    }
}
