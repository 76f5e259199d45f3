namespace ChatFeedback.Dialogs;

/// <summary>Reads flow files and global.yaml into a validated <see cref="FlowCatalog"/>, collecting every error.</summary>
public static class FlowLoader
{
    public const string GlobalFileName = "global.yaml";
    public const string TranscriptSuffix = ".test.yaml";

    /// <summary>Loads <c>global.yaml</c> and every other <c>*.yaml</c> below <paramref name="directory"/> (transcripts excluded).</summary>
    public static FlowLoadResult LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return new FlowLoadResult(null, [new FlowError(directory, 0, 0, string.Empty, "the flow folder does not exist")]);
        }

        var sources = FlowFiles(directory)
            .Select(path => new FlowSource(FlowLoader.DisplayPath(path), File.ReadAllText(path)))
            .ToList();
        return Load(sources);
    }

    /// <summary>A file's path as messages show it: relative to the current folder when below it, else in full.</summary>
    public static string DisplayPath(string path)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? Path.GetFullPath(path) : relative;
    }

    /// <summary>The flow files below <paramref name="directory"/>, in a stable order.</summary>
    public static IEnumerable<string> FlowFiles(string directory) =>
        Directory.EnumerateFiles(directory, "*.yaml", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(directory, "*.yml", SearchOption.AllDirectories))
            .Where(path => !path.EndsWith(TranscriptSuffix, StringComparison.OrdinalIgnoreCase) && !path.EndsWith(".test.yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);

    /// <summary>Loads the given files; exactly one must be named <c>global.yaml</c>.</summary>
    public static FlowLoadResult Load(IEnumerable<FlowSource> sources)
    {
        var errors = new List<FlowError>();
        var all = sources.ToList();
        var globals = all.Where(IsGlobal).ToList();
        if (globals.Count != 1)
        {
            var where = all.FirstOrDefault()?.File is { } file ? Path.GetDirectoryName(file) ?? "." : ".";
            errors.Add(new FlowError(Path.Combine(where, GlobalFileName), 0, 0, string.Empty, globals.Count == 0
                ? "global.yaml is missing (commands, shared texts and scales live there)"
                : $"there are {globals.Count} global.yaml files; keep one"));
            return new FlowLoadResult(null, errors);
        }

        var globalReader = new YamlReader(globals[0].File, errors);
        var globalRoot = globalReader.Parse(globals[0].Text);
        var references = new List<FlowReference>();
        var (global, entryFlowNode) = globalRoot is null ? (null, null) : GlobalReader.Read(globalReader, globalRoot, references);
        if (global is null)
        {
            return new FlowLoadResult(null, errors);
        }

        var flows = new List<Flow>();
        var declaredIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in all.Where(s => !IsGlobal(s)))
        {
            var reader = new YamlReader(source.File, errors);
            if (reader.Parse(source.Text) is not { } root)
            {
                // An unreadable file is taken to define the flow its name says, so references to it are not blamed too.
                declaredIds.Add(Path.GetFileNameWithoutExtension(source.File));
                continue;
            }

            var flowReader = new FlowReader(reader, global);
            var flow = flowReader.Read(root);
            if (flowReader.DeclaredId is { } declared)
            {
                declaredIds.Add(declared);
            }

            if (flow is not null)
            {
                var twin = flows.FirstOrDefault(f => f.Id == flow.Id && f.Version == flow.Version);
                if (twin is not null)
                {
                    reader.Error(root, "version", $"flow '{flow.Id}' version {flow.Version} is also defined in {twin.Source}; raise the version");
                    continue;
                }

                flows.Add(flow);
                references.AddRange(flowReader.FlowReferences);
            }
        }

        foreach (var reference in references.Where(r => !declaredIds.Contains(r.FlowId)))
        {
            errors.Add(new FlowError(reference.File, (int)reference.Node.Start.Line, (int)reference.Node.Start.Column, reference.Path, $"unknown flow '{reference.FlowId}'"));
        }

        if (!declaredIds.Contains(global.EntryFlow))
        {
            globalReader.Error(entryFlowNode!, "entryFlow", $"entry flow '{global.EntryFlow}' is not defined by any flow file");
        }

        return errors.Count == 0
            ? new FlowLoadResult(new FlowCatalog(global, flows), errors)
            : new FlowLoadResult(null, errors);
    }

    private static bool IsGlobal(FlowSource source) =>
        string.Equals(Path.GetFileName(source.File), GlobalFileName, StringComparison.OrdinalIgnoreCase);
}
