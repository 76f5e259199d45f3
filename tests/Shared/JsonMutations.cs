using System.Text.Json.Nodes;

namespace ChatFeedback.Testing;

/// <summary>
/// Every one-step damage to a real-shaped JSON payload: each property removed, and each value (the root's children
/// and everything below) replaced by null and by a value of every other JSON type, including numbers no .NET integer
/// holds. What a fuzzer finds first, enumerated, so an endpoint test can feed them all through the real pipeline.
/// </summary>
public static class JsonMutations
{
    private static readonly Func<JsonNode?>[] Replacements =
    [
        () => null,
        () => JsonValue.Create("x"),
        () => JsonValue.Create(""),
        () => JsonValue.Create(-1),
        () => JsonNode.Parse("99999999999999999999999"),
        () => JsonNode.Parse("1e300"),
        () => JsonValue.Create(true),
        () => new JsonObject(),
        () => new JsonArray(),
        () => new JsonArray(null, null),
    ];

    /// <summary>Each damaged copy of <paramref name="json"/> with a one-line description of the damage.</summary>
    public static IEnumerable<(string Damage, string Json)> Of(string json)
    {
        var root = JsonNode.Parse(json) ?? throw new ArgumentException("The payload is JSON null.", nameof(json));
        var paths = new List<string>();
        Collect(root, paths);
        foreach (var path in paths)
        {
            var removed = root.DeepClone();
            if (Remove(removed, path))
            {
                yield return ($"{path} removed", removed.ToJsonString());
            }

            foreach (var replacement in Replacements)
            {
                var copy = root.DeepClone();
                var value = replacement();
                if (Replace(copy, path, value))
                {
                    yield return ($"{path} = {value?.ToJsonString() ?? "null"}", copy.ToJsonString());
                }
            }
        }
    }

    private static void Collect(JsonNode node, List<string> paths)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    if (child is not null)
                    {
                        paths.Add(child.GetPath());
                        Collect(child, paths);
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    if (child is not null)
                    {
                        paths.Add(child.GetPath());
                        Collect(child, paths);
                    }
                }

                break;
        }
    }

    private static JsonNode? Find(JsonNode root, string path) =>
        path == "$" ? root : Descendants(root).FirstOrDefault(n => n.GetPath() == path);

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject obj => obj.Select(p => p.Value),
            JsonArray array => array,
            _ => [],
        };
        foreach (var child in children)
        {
            if (child is not null)
            {
                yield return child;
                foreach (var below in Descendants(child))
                {
                    yield return below;
                }
            }
        }
    }

    private static bool Remove(JsonNode root, string path)
    {
        if (Find(root, path) is not { Parent: { } parent } node)
        {
            return false;
        }

        switch (parent)
        {
            case JsonObject obj:
                return obj.Remove(node.GetPropertyName());
            case JsonArray array:
                return array.Remove(node);
            default:
                return false;
        }
    }

    private static bool Replace(JsonNode root, string path, JsonNode? value)
    {
        if (Find(root, path) is not { Parent: { } parent } node)
        {
            return false;
        }

        switch (parent)
        {
            case JsonObject obj:
                obj[node.GetPropertyName()] = value;
                return true;
            case JsonArray array:
                array[node.GetElementIndex()] = value;
                return true;
            default:
                return false;
        }
    }
}
