using System.Globalization;
using System.Text.Json.Nodes;
using Json.Schema;

namespace ChatFeedback.Bot.Assessment;

/// <summary>
/// The versioned prompt (<c>prompts/complaint-assessment.v&lt;n&gt;.md</c>, front matter <c>id</c> and <c>version</c>) and the
/// verdict's JSON schema (<c>prompts/verdict.schema.json</c>), read from the rules folder. The same schema is sent as the
/// structured-output format and checked against the reply before the reply is used.
/// </summary>
public sealed class LlmPrompt
{
    public const string Folder = "prompts";
    public const string SchemaFile = "verdict.schema.json";
    public const string PromptPrefix = "complaint-assessment.v";

    private LlmPrompt(string version, string system, string schemaText, JsonSchema schema)
    {
        Version = version;
        SystemMessage = system;
        SchemaText = schemaText;
        Schema = schema;
    }

    /// <summary>Recorded with every decision the model made: <c>complaint-assessment@1</c>.</summary>
    public string Version { get; }

    /// <summary>The system message.</summary>
    public string SystemMessage { get; }

    public string SchemaText { get; }

    public JsonSchema Schema { get; }

    /// <summary>The names of the verdict's properties: anything else in a reply is an extra field.</summary>
    public IReadOnlySet<string> Properties => _properties ??= ((JsonObject)JsonNode.Parse(SchemaText)!["properties"]!).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);

    private HashSet<string>? _properties;

    /// <summary>Loads the newest prompt version in <paramref name="rulesDirectory"/>/prompts; throws naming the file when one is malformed.</summary>
    public static LlmPrompt Load(string rulesDirectory)
    {
        var folder = Path.Combine(rulesDirectory, Folder);
        var schemaPath = Path.Combine(folder, SchemaFile);
        var newest = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, PromptPrefix + "*.md")
                .Select(path => (Path: path, Number: int.TryParse(Path.GetFileNameWithoutExtension(path).AsSpan(PromptPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1))
                .Where(p => p.Number >= 0)
                .OrderByDescending(p => p.Number)
                .FirstOrDefault()
            : default;
        if (newest.Path is null)
        {
            throw new InvalidOperationException($"No prompt {PromptPrefix}<n>.md in {folder}.");
        }

        var (id, version, body) = ParseFrontMatter(newest.Path, File.ReadAllText(newest.Path));
        if (version != newest.Number)
        {
            throw new InvalidOperationException($"{newest.Path}:1: the front matter says version {version} but the file name says {newest.Number}.");
        }

        if (!File.Exists(schemaPath))
        {
            throw new InvalidOperationException($"The verdict schema {schemaPath} is missing.");
        }

        var schemaText = File.ReadAllText(schemaPath);
        JsonSchema schema;
        try
        {
            schema = JsonSchema.FromText(schemaText);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or JsonSchemaException or InvalidOperationException)
        {
            throw new InvalidOperationException($"{schemaPath}: not a valid JSON schema: {ex.Message}", ex);
        }

        return new LlmPrompt($"{id}@{version.ToString(CultureInfo.InvariantCulture)}", body.Trim(), schemaText, schema);
    }

    private static (string Id, int Version, string Body) ParseFrontMatter(string path, string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        if (lines.Length < 3 || lines[0].Trim() != "---")
        {
            throw new InvalidOperationException($"{path}:1: a prompt starts with front matter (---, id:, version:, ---).");
        }

        string? id = null;
        int? version = null;
        var end = Array.FindIndex(lines, 1, l => l.Trim() == "---");
        if (end < 0)
        {
            throw new InvalidOperationException($"{path}:1: the front matter is not closed with ---.");
        }

        for (var i = 1; i < end; i++)
        {
            var (key, value) = (lines[i].Split(':', 2) is [var k, var v] ? (k.Trim(), v.Trim()) : ("", ""));
            switch (key)
            {
                case "id":
                    id = value;
                    break;
                case "version" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n):
                    version = n;
                    break;
                default:
                    throw new InvalidOperationException($"{path}:{i + 1}: expected 'id: <name>' or 'version: <number>'.");
            }
        }

        if (string.IsNullOrWhiteSpace(id) || version is null)
        {
            throw new InvalidOperationException($"{path}:1: the front matter needs both id and version.");
        }

        return (id, version.Value, string.Join('\n', lines[(end + 1)..]));
    }
}
