using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ChatFeedback.Assessment;

/// <summary>
/// Reads YAML nodes of one file into typed values, recording every problem with its line, column and
/// path instead of stopping at the first. Callers get null for anything that was wrong.
/// </summary>
internal sealed class RulesYamlReader(string file, List<AssessmentRulesError> errors)
{
    public string File { get; } = file;

    public List<AssessmentRulesError> Errors { get; } = errors;

    public int ErrorCount => Errors.Count;

    /// <summary>Parses the text; a syntax error is recorded and null returned.</summary>
    public YamlNode? Parse(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var message = e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;
            Errors.Add(new AssessmentRulesError(File, (int)e.Start.Line, (int)e.Start.Column, string.Empty, "YAML syntax error: " + message));
            return null;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // YamlDotNet reports a repeated mapping key (and some malformed scalars) this way, without a position.
            Errors.Add(new AssessmentRulesError(File, 1, 1, string.Empty, "YAML error: " + e.Message));
            return null;
        }

        if (stream.Documents.Count == 0)
        {
            Errors.Add(new AssessmentRulesError(File, 1, 1, string.Empty, "the file is empty"));
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode;
            Error(second, string.Empty, "a file holds one YAML document; remove the '---' separator");
        }

        return stream.Documents[0].RootNode;
    }

    public void Error(YamlNode node, string path, string message) =>
        Errors.Add(new AssessmentRulesError(File, (int)node.Start.Line, (int)node.Start.Column, path, message));

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    public YamlMappingNode? AsMapping(YamlNode node, string path)
    {
        if (node is YamlMappingNode mapping)
        {
            return mapping;
        }

        Error(node, path, $"expected a mapping (key: value pairs), found {Describe(node)}");
        return null;
    }

    public YamlSequenceNode? AsSequence(YamlNode node, string path)
    {
        if (node is YamlSequenceNode sequence)
        {
            return sequence;
        }

        Error(node, path, $"expected a list, found {Describe(node)}");
        return null;
    }

    public string? AsString(YamlNode node, string path)
    {
        if (node is YamlScalarNode { Value: { } value })
        {
            return value;
        }

        Error(node, path, $"expected a single value, found {Describe(node)}");
        return null;
    }

    public static YamlNode? Get(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    /// <summary>Reports keys other than <paramref name="allowed"/>, suggesting the closest allowed one.</summary>
    public void OnlyKeys(YamlMappingNode map, string path, params string[] allowed)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? string.Empty;
            if (!allowed.Contains(name, StringComparer.Ordinal))
            {
                var suggestion = Closest(name, allowed);
                Error(key, Join(path, name), suggestion is null
                    ? $"unknown key '{name}'; allowed here: {string.Join(", ", allowed)}"
                    : $"unknown key '{name}'; did you mean '{suggestion}'?");
            }
        }
    }

    public string? RequiredString(YamlMappingNode map, string key, string path)
    {
        var node = Get(map, key);
        if (node is null)
        {
            Error(map, path, $"'{key}' is required");
            return null;
        }

        var value = AsString(node, Join(path, key));
        if (value is not null && value.Trim().Length == 0)
        {
            Error(node, Join(path, key), $"'{key}' must not be empty");
            return null;
        }

        return value;
    }

    public string? OptionalString(YamlMappingNode map, string key, string path)
    {
        var node = Get(map, key);
        return node is null ? null : AsString(node, Join(path, key));
    }

    public int? OptionalInt(YamlMappingNode map, string key, string path) =>
        OptionalParsed<int>(map, key, path, "a whole number", text => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null);

    public double? OptionalNumber(YamlMappingNode map, string key, string path) =>
        OptionalParsed<double>(map, key, path, "a number", text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null);

    /// <summary>A single value under <paramref name="key"/> parsed by <paramref name="parse"/>; a value that does not parse is reported.</summary>
    private T? OptionalParsed<T>(YamlMappingNode map, string key, string path, string expected, Func<string, T?> parse)
        where T : struct
    {
        var node = Get(map, key);
        if (node is null || AsString(node, Join(path, key)) is not { } text)
        {
            return null;
        }

        if (parse(text) is { } value)
        {
            return value;
        }

        Error(node, Join(path, key), $"expected {expected}, found '{text}'");
        return null;
    }

    public bool? OptionalBool(YamlMappingNode map, string key, string path)
    {
        var node = Get(map, key);
        if (node is null)
        {
            return null;
        }

        var text = AsString(node, Join(path, key));
        switch (text)
        {
            case null:
                return null;
            case "true" or "True" or "yes":
                return true;
            case "false" or "False" or "no":
                return false;
            default:
                Error(node, Join(path, key), $"expected true or false, found '{text}'");
                return null;
        }
    }

    /// <summary>A list of single values, or one value standing for a list of one.</summary>
    public IReadOnlyList<string>? StringList(YamlNode node, string path)
    {
        if (node is YamlScalarNode)
        {
            return AsString(node, path) is { } single ? [single] : null;
        }

        var sequence = AsSequence(node, path);
        if (sequence is null)
        {
            return null;
        }

        var values = new List<string>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            if (AsString(sequence.Children[i], $"{path}[{i}]") is { } value)
            {
                values.Add(value);
            }
        }

        return values;
    }

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode { Value: null or "" } => "nothing",
        YamlScalarNode scalar => $"'{scalar.Value}'",
        _ => "something else",
    };

    public static string? Closest(string name, string[] candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = candidate;
            }
        }

        return bestDistance <= Math.Max(2, name.Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
