using YamlDotNet.RepresentationModel;

namespace ChatFeedback.Dialogs;

/// <summary>Reads <c>global.yaml</c>: entry flow, locales, command words, yes/no words, shared texts, scales.</summary>
internal static class GlobalReader
{
    private static readonly string[] Keys = ["entryFlow", "defaultLocale", "locales", "commands", "shortcuts", "yes", "no", "texts", "scales"];

    public static (GlobalSettings? Settings, YamlNode? EntryFlowNode) Read(YamlReader reader, YamlNode root, List<FlowReference> flowReferences)
    {
        var map = reader.AsMapping(root, string.Empty);
        if (map is null)
        {
            return (null, null);
        }

        reader.OnlyKeys(map, string.Empty, Keys);
        var entryFlow = reader.RequiredString(map, "entryFlow", string.Empty);
        var locales = ReadLocales(reader, map, string.Empty);
        var defaultLocale = reader.OptionalString(map, "defaultLocale", string.Empty) ?? (locales is { Count: > 0 } ? locales[0] : null);
        if (locales is null || defaultLocale is null)
        {
            return (null, null);
        }

        if (!locales.Contains(defaultLocale, StringComparer.OrdinalIgnoreCase))
        {
            reader.Error(YamlReader.Get(map, "defaultLocale") ?? map, "defaultLocale", $"'{defaultLocale}' is not in locales ({string.Join(", ", locales)})");
        }

        var commands = ReadCommands(reader, map, locales);
        var yes = ReadWords(reader, map, "yes", locales);
        var no = ReadWords(reader, map, "no", locales);
        var texts = ReadTexts(reader, map, locales);
        var scales = ReadScales(reader, map, locales);
        var shortcuts = ReadShortcuts(reader, map, locales, commands, flowReferences);
        if (entryFlow is null || commands is null || yes is null || no is null || texts is null || scales is null)
        {
            return (null, null);
        }

        var settings = new GlobalSettings(entryFlow, defaultLocale, locales, commands, yes, no, texts, scales, shortcuts);
        return (settings, YamlReader.Get(map, "entryFlow"));
    }

    public static IReadOnlyList<string>? ReadLocales(YamlReader reader, YamlMappingNode map, string path)
    {
        var node = YamlReader.Get(map, "locales");
        if (node is null)
        {
            reader.Error(map, path, "'locales' is required, e.g. [en, zh-CN]");
            return null;
        }

        var locales = reader.StringList(node, YamlReader.Join(path, "locales"));
        if (locales is { Count: 0 })
        {
            reader.Error(node, YamlReader.Join(path, "locales"), "name at least one locale");
            return null;
        }

        if (locales is not null && locales.Distinct(StringComparer.OrdinalIgnoreCase).Count() != locales.Count)
        {
            reader.Error(node, YamlReader.Join(path, "locales"), "a locale is listed twice");
        }

        return locales;
    }

    private static Dictionary<GlobalCommand, IReadOnlyList<string>>? ReadCommands(YamlReader reader, YamlMappingNode map, IReadOnlyList<string> locales)
    {
        var node = YamlReader.Get(map, "commands");
        if (node is null)
        {
            reader.Error(map, string.Empty, "'commands' is required");
            return null;
        }

        var commandsMap = reader.AsMapping(node, "commands");
        if (commandsMap is null)
        {
            return null;
        }

        var names = Enum.GetValues<GlobalCommand>().ToDictionary(c => Camel(c.ToString()), c => c, StringComparer.Ordinal);
        reader.OnlyKeys(commandsMap, "commands", [.. names.Keys]);
        var result = new Dictionary<GlobalCommand, IReadOnlyList<string>>();
        var owner = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, command) in names)
        {
            var path = $"commands.{name}";
            if (YamlReader.Get(commandsMap, name) is not { } wordsNode)
            {
                reader.Error(commandsMap, "commands", $"command '{name}' is missing");
                continue;
            }

            var words = ReadWordsNode(reader, wordsNode, path, locales);
            if (words is null)
            {
                continue;
            }

            foreach (var word in words)
            {
                var normalized = TextMatching.Normalize(word);
                if (owner.TryGetValue(normalized, out var other) && other != name)
                {
                    reader.Error(wordsNode, path, $"'{word}' is also a word of command '{other}'");
                }

                owner[normalized] = name;
            }

            result[command] = words;
        }

        return result.Count == names.Count ? result : null;
    }

    private static Dictionary<string, IReadOnlyList<string>>? ReadWords(YamlReader reader, YamlMappingNode map, string key, IReadOnlyList<string> locales)
    {
        if (YamlReader.Get(map, key) is not { } node)
        {
            reader.Error(map, string.Empty, $"'{key}' is required (the words that mean {key} in every locale)");
            return null;
        }

        return ReadWordsByLocale(reader, node, key, locales);
    }

    /// <summary>Reads <c>{ en: [..], zh-CN: [..] }</c> into one list of words, requiring every locale.</summary>
    public static IReadOnlyList<string>? ReadWordsNode(YamlReader reader, YamlNode node, string path, IReadOnlyList<string> locales) =>
        ReadWordsByLocale(reader, node, path, locales) is { } byLocale ? [.. byLocale.Values.SelectMany(w => w)] : null;

    /// <summary>Reads <c>{ en: [..], zh-CN: [..] }</c> by locale, requiring every locale.</summary>
    public static Dictionary<string, IReadOnlyList<string>>? ReadWordsByLocale(YamlReader reader, YamlNode node, string path, IReadOnlyList<string> locales)
    {
        var map = reader.AsMapping(node, path);
        if (map is null)
        {
            return null;
        }

        var words = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var locale = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            if (!locales.Contains(locale, StringComparer.OrdinalIgnoreCase))
            {
                reader.Error(keyNode, YamlReader.Join(path, locale), $"locale '{locale}' is not one of this file's locales ({string.Join(", ", locales)})");
                continue;
            }

            if (reader.StringList(valueNode, YamlReader.Join(path, locale)) is { } list)
            {
                words[locale] = [.. list.Where(w => w.Trim().Length > 0)];
            }
        }

        foreach (var locale in locales)
        {
            if (map.Children.Keys.All(k => !string.Equals((k as YamlScalarNode)?.Value, locale, StringComparison.OrdinalIgnoreCase)))
            {
                reader.Error(map, path, $"missing words for '{locale}'");
            }
        }

        return words;
    }

    /// <summary>Reads <c>shortcuts: { flowId: { en: [/survey], zh-CN: [调查] } }</c>: words that start a flow from anywhere.</summary>
    private static Dictionary<string, IReadOnlyList<string>> ReadShortcuts(YamlReader reader, YamlMappingNode map, IReadOnlyList<string> locales, Dictionary<GlobalCommand, IReadOnlyList<string>>? commands, List<FlowReference> flowReferences)
    {
        var shortcuts = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (YamlReader.Get(map, "shortcuts") is not { } node || reader.AsMapping(node, "shortcuts") is not { } shortcutsMap)
        {
            return shortcuts;
        }

        var commandWords = (commands?.Values.SelectMany(w => w) ?? []).Select(TextMatching.Normalize).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (keyNode, valueNode) in shortcutsMap.Children)
        {
            var flowId = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            var path = $"shortcuts.{flowId}";
            flowReferences.Add(new FlowReference(flowId, reader.File, keyNode, path));
            if (ReadWordsNode(reader, valueNode, path, locales) is not { } words)
            {
                continue;
            }

            foreach (var word in words.Where(w => commandWords.Contains(TextMatching.Normalize(w))))
            {
                reader.Error(valueNode, path, $"'{word}' is already a command word");
            }

            shortcuts[flowId] = words;
        }

        return shortcuts;
    }

    private static Dictionary<string, LocalizedText>? ReadTexts(YamlReader reader, YamlMappingNode map, IReadOnlyList<string> locales)
    {
        if (YamlReader.Get(map, "texts") is not { } node)
        {
            reader.Error(map, string.Empty, "'texts' is required");
            return null;
        }

        var textsMap = reader.AsMapping(node, "texts");
        if (textsMap is null)
        {
            return null;
        }

        reader.OnlyKeys(textsMap, "texts", [.. GlobalSettings.RequiredTexts]);
        var texts = new Dictionary<string, LocalizedText>(StringComparer.Ordinal);
        foreach (var key in GlobalSettings.RequiredTexts)
        {
            if (YamlReader.Get(textsMap, key) is not { } textNode)
            {
                reader.Error(textsMap, "texts", $"text '{key}' is missing");
                continue;
            }

            if (reader.Text(textNode, $"texts.{key}", locales) is { } text)
            {
                texts[key] = text;
            }
        }

        return texts.Count == GlobalSettings.RequiredTexts.Count ? texts : null;
    }

    private static Dictionary<string, RatingScale>? ReadScales(YamlReader reader, YamlMappingNode map, IReadOnlyList<string> locales)
    {
        var scales = new Dictionary<string, RatingScale>(StringComparer.Ordinal);
        if (YamlReader.Get(map, "scales") is not { } node)
        {
            return scales;
        }

        var scalesMap = reader.AsMapping(node, "scales");
        if (scalesMap is null)
        {
            return null;
        }

        foreach (var (keyNode, valueNode) in scalesMap.Children)
        {
            var name = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            var path = $"scales.{name}";
            if (reader.AsMapping(valueNode, path) is not { } scaleMap)
            {
                continue;
            }

            reader.OnlyKeys(scaleMap, path, "min", "max", "descending", "labels");
            if (ReadScale(reader, scaleMap, path, name, locales) is { } scale)
            {
                scales[name] = scale;
            }
        }

        return scales;
    }

    /// <summary>Reads min/max/descending/labels from a scale definition or an inline rating step.</summary>
    public static RatingScale? ReadScale(YamlReader reader, YamlMappingNode map, string path, string? name, IReadOnlyList<string> locales)
    {
        var min = reader.OptionalInt(map, "min", path);
        var max = reader.OptionalInt(map, "max", path);
        if (min is null || max is null)
        {
            if (YamlReader.Get(map, "min") is null || YamlReader.Get(map, "max") is null)
            {
                reader.Error(map, path, "a scale needs 'min' and 'max'");
            }

            return null;
        }

        if (min >= max)
        {
            reader.Error(YamlReader.Get(map, "max")!, YamlReader.Join(path, "max"), $"max ({max}) must be greater than min ({min})");
            return null;
        }

        if (max - min > 10)
        {
            reader.Error(YamlReader.Get(map, "max")!, YamlReader.Join(path, "max"), $"a scale has at most 11 points; {min}..{max} has {max - min + 1}");
            return null;
        }

        var labels = new Dictionary<int, LocalizedText>();
        if (YamlReader.Get(map, "labels") is { } labelsNode && reader.AsMapping(labelsNode, YamlReader.Join(path, "labels")) is { } labelsMap)
        {
            foreach (var (keyNode, valueNode) in labelsMap.Children)
            {
                var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
                var labelPath = $"{path}.labels.{key}";
                if (!int.TryParse(key, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var point))
                {
                    reader.Error(keyNode, labelPath, $"a label key is a point of the scale, found '{key}'");
                    continue;
                }

                if (point < min || point > max)
                {
                    reader.Error(keyNode, labelPath, $"point {point} is outside the scale {min}..{max}");
                    continue;
                }

                if (reader.Text(valueNode, labelPath, locales) is { } text)
                {
                    labels[point] = text;
                }
            }
        }

        var descending = reader.OptionalBool(map, "descending", path) ?? false;
        return new RatingScale(name, min.Value, max.Value, descending, labels);
    }

    public static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
