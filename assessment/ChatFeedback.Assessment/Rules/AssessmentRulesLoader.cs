using YamlDotNet.RepresentationModel;

namespace ChatFeedback.Assessment;

/// <summary>
/// Reads <c>rules.yaml</c> and the <c>lexicon.&lt;locale&gt;.yaml</c> files of a folder into <see cref="AssessmentRules"/>,
/// collecting every error with file, line and column: unknown keys, bad values, duplicate ids, empty terms,
/// categories and themes not declared, locales without a lexicon.
/// </summary>
public static class AssessmentRulesLoader
{
    public const string RulesFileName = "rules.yaml";
    public const string LexiconPrefix = "lexicon.";

    private static readonly string[] RulesKeys = ["locales", "maxTextLength", "categories", "themes", "defaultCategory", "floors", "repeat", "answers"];
    private static readonly string[] FloorKeys = ["safety", "legal", "churn", "vip", "repeat"];
    private static readonly string[] LexiconKeys = ["locale", "severity", "flags", "categories", "themes", "scopeClaims", "downplays", "sentiment", "intensifiers"];
    private static readonly string[] SeverityKeys = ["id", "severity", "category", "theme", "when", "terms"];
    private static readonly string[] FlagKeys = ["id", "flag", "floor", "severity", "when", "terms"];

    /// <summary>Loads <c>rules.yaml</c> and every <c>lexicon.*.yaml</c> in <paramref name="directory"/>.</summary>
    public static AssessmentRulesLoadResult LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return new AssessmentRulesLoadResult(null, [new AssessmentRulesError(directory, 0, 0, string.Empty, "the assessment rules folder does not exist")]);
        }

        var files = Directory.EnumerateFiles(directory, "*.yaml")
            .Where(path => Path.GetFileName(path) is var name && (name == RulesFileName || name.StartsWith(LexiconPrefix, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .Select(path => new RulesSource(DisplayPath(path), File.ReadAllText(path)))
            .ToList();
        return Load(files);
    }

    /// <summary>Loads the given files: one named <c>rules.yaml</c>, the others lexicons.</summary>
    public static AssessmentRulesLoadResult Load(IEnumerable<RulesSource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var errors = new List<AssessmentRulesError>();
        var all = sources.ToList();
        var rulesFiles = all.Where(s => Path.GetFileName(s.File) == RulesFileName).ToList();
        if (rulesFiles.Count != 1)
        {
            var folder = all.FirstOrDefault()?.File is { } first ? Path.GetDirectoryName(first) ?? "." : ".";
            errors.Add(new AssessmentRulesError(Path.Combine(folder, RulesFileName), 0, 0, string.Empty,
                rulesFiles.Count == 0 ? "rules.yaml is missing (locales, categories, floors live there)" : "there is more than one rules.yaml"));
            return new AssessmentRulesLoadResult(null, errors);
        }

        var rulesReader = new RulesYamlReader(rulesFiles[0].File, errors);
        var rulesRoot = rulesReader.Parse(rulesFiles[0].Text);
        var header = rulesRoot is null ? null : ReadRules(rulesReader, rulesRoot);
        if (header is null)
        {
            return new AssessmentRulesLoadResult(null, errors);
        }

        var lexicons = new List<Lexicon>();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in all.Where(s => Path.GetFileName(s.File) != RulesFileName))
        {
            var reader = new RulesYamlReader(source.File, errors);
            if (reader.Parse(source.Text) is { } root && ReadLexicon(reader, root, header, ids) is { } lexicon)
            {
                if (lexicons.FirstOrDefault(l => l.Locale == lexicon.Locale) is { } twin)
                {
                    reader.Error(root, "locale", $"locale '{lexicon.Locale}' already has a lexicon in {twin.File}");
                    continue;
                }

                lexicons.Add(lexicon);
            }
        }

        foreach (var locale in header.Locales.Where(locale => lexicons.All(l => l.Locale != locale) && all.All(s => Path.GetFileName(s.File) != LexiconFileName(locale))))
        {
            rulesReader.Error(header.LocalesNode, "locales", $"locale '{locale}' has no lexicon; add {LexiconFileName(locale)}");
        }

        if (errors.Count > 0)
        {
            return new AssessmentRulesLoadResult(null, errors);
        }

        return new AssessmentRulesLoadResult(
            new AssessmentRules(header.Locales, header.MaxTextLength, header.Categories, header.Themes, header.DefaultCategory, header.Floors, header.Repeat, header.Answers, lexicons)
            {
                Version = VersionOf(all),
            },
            errors);
    }

    public static string LexiconFileName(string locale) => $"{LexiconPrefix}{locale}.yaml";

    // The same files give the same version wherever they are: names without folders, in order, with their text.
    private static string VersionOf(List<RulesSource> sources)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var source in sources.OrderBy(s => Path.GetFileName(s.File), StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(source.File)));
            hash.AppendData([0]);
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(source.Text.ReplaceLineEndings("\n")));
            hash.AppendData([0]);
        }

        return "rules-" + Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
    }

    private static string DisplayPath(string path)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? Path.GetFullPath(path) : relative;
    }

    private static Header? ReadRules(RulesYamlReader reader, YamlNode root)
    {
        if (reader.AsMapping(root, string.Empty) is not { } map)
        {
            return null;
        }

        var before = reader.ErrorCount;
        reader.OnlyKeys(map, string.Empty, RulesKeys);
        var localesNode = RulesYamlReader.Get(map, "locales");
        var locales = localesNode is null ? null : NonEmptyList(reader, localesNode, "locales");
        if (localesNode is null)
        {
            reader.Error(map, string.Empty, "'locales' is required (the locales that must each have a lexicon)");
        }

        var maxTextLength = reader.OptionalInt(map, "maxTextLength", string.Empty) ?? 4000;
        if (maxTextLength is < 100 or > 100_000)
        {
            reader.Error(RulesYamlReader.Get(map, "maxTextLength")!, "maxTextLength", "must be between 100 and 100000 characters");
        }

        var categories = RulesYamlReader.Get(map, "categories") is { } c ? NonEmptyList(reader, c, "categories") : Missing(reader, map, "categories");
        var themes = RulesYamlReader.Get(map, "themes") is { } t ? NonEmptyList(reader, t, "themes") : Missing(reader, map, "themes");
        var defaultCategory = reader.OptionalString(map, "defaultCategory", string.Empty) ?? "other";
        if (categories is not null && !categories.Contains(defaultCategory))
        {
            reader.Error(RulesYamlReader.Get(map, "defaultCategory") ?? map, "defaultCategory", $"'{defaultCategory}' is not one of the categories");
        }

        var floors = ReadFloors(reader, map);
        var repeat = new RepeatRule(1);
        if (RulesYamlReader.Get(map, "repeat") is { } repeatNode && reader.AsMapping(repeatNode, "repeat") is { } repeatMap)
        {
            reader.OnlyKeys(repeatMap, "repeat", "casesLast30Days");
            var cases = reader.OptionalInt(repeatMap, "casesLast30Days", "repeat") ?? 2;
            if (cases < 1)
            {
                reader.Error(repeatMap, "repeat.casesLast30Days", "must be at least 1");
            }

            repeat = new RepeatRule(cases);
        }
        else
        {
            repeat = new RepeatRule(2);
        }

        var answers = new AnswerRule(1, 2, Severity.Moderate);
        if (RulesYamlReader.Get(map, "answers") is { } answersNode && reader.AsMapping(answersNode, "answers") is { } answersMap)
        {
            reader.OnlyKeys(answersMap, "answers", "ratingAtMost", "npsAtMost", "raiseTo");
            answers = new AnswerRule(
                reader.OptionalInt(answersMap, "ratingAtMost", "answers") ?? 1,
                reader.OptionalInt(answersMap, "npsAtMost", "answers") ?? 2,
                Enum(reader, answersMap, "raiseTo", "answers", SeverityNames) is { } raise ? (Severity)raise : Severity.Moderate);
        }

        if (reader.ErrorCount > before || locales is null || categories is null || themes is null || floors is null)
        {
            return null;
        }

        return new Header(locales, localesNode!, maxTextLength, categories, themes, defaultCategory, floors, repeat, answers);
    }

    private static Floors? ReadFloors(RulesYamlReader reader, YamlMappingNode map)
    {
        if (RulesYamlReader.Get(map, "floors") is not { } node)
        {
            reader.Error(map, string.Empty, "'floors' is required (the minimum grade of safety, legal, churn, VIP and repeat complaints)");
            return null;
        }

        if (reader.AsMapping(node, "floors") is not { } floors)
        {
            return null;
        }

        reader.OnlyKeys(floors, "floors", FloorKeys);
        Grade Floor(string key) => Enum(reader, floors, key, "floors", GradeNames) is { } grade ? (Grade)grade : Grade.General;
        return new Floors(Floor("safety"), Floor("legal"), Floor("churn"), Floor("vip"), Floor("repeat"));
    }

    private static Lexicon? ReadLexicon(RulesYamlReader reader, YamlNode root, Header header, Dictionary<string, string> ids)
    {
        if (reader.AsMapping(root, string.Empty) is not { } map)
        {
            return null;
        }

        reader.OnlyKeys(map, string.Empty, LexiconKeys);
        var locale = reader.RequiredString(map, "locale", string.Empty);
        if (locale is null)
        {
            return null;
        }

        var localeNode = RulesYamlReader.Get(map, "locale")!;
        if (!header.Locales.Contains(locale))
        {
            reader.Error(localeNode, "locale", $"locale '{locale}' is not one of rules.yaml's locales ({string.Join(", ", header.Locales)})");
        }
        else if (Path.GetFileName(reader.File) != LexiconFileName(locale))
        {
            reader.Error(localeNode, "locale", $"the file of locale '{locale}' must be named {LexiconFileName(locale)}");
        }

        var severity = new List<SeverityRule>();
        if (RulesYamlReader.Get(map, "severity") is { } severityNode && reader.AsSequence(severityNode, "severity") is { } severityList)
        {
            for (var i = 0; i < severityList.Children.Count; i++)
            {
                if (ReadSeverityRule(reader, severityList.Children[i], $"severity[{i}]", header, ids) is { } rule)
                {
                    severity.Add(rule);
                }
            }
        }

        var flags = new List<FlagRule>();
        if (RulesYamlReader.Get(map, "flags") is { } flagsNode && reader.AsSequence(flagsNode, "flags") is { } flagList)
        {
            for (var i = 0; i < flagList.Children.Count; i++)
            {
                if (ReadFlagRule(reader, flagList.Children[i], $"flags[{i}]", ids) is { } rule)
                {
                    flags.Add(rule);
                }
            }
        }

        var categories = ReadGroups(reader, map, "categories", header.Categories);
        var themes = ReadGroups(reader, map, "themes", header.Themes);
        var scopeClaims = RulesYamlReader.Get(map, "scopeClaims") is { } scopeNode ? Terms(reader, scopeNode, "scopeClaims") : [];
        var downplays = RulesYamlReader.Get(map, "downplays") is { } downplayNode ? Terms(reader, downplayNode, "downplays") : [];
        var sentiment = ReadWeighted(reader, map, "sentiment", "weight", -3, 3);
        var intensifiers = ReadWeighted(reader, map, "intensifiers", "factor", 1, 4);
        return new Lexicon(locale, reader.File, severity, flags, categories, themes, scopeClaims, downplays, sentiment, intensifiers);
    }

    private static SeverityRule? ReadSeverityRule(RulesYamlReader reader, YamlNode node, string path, Header header, Dictionary<string, string> ids)
    {
        if (reader.AsMapping(node, path) is not { } map)
        {
            return null;
        }

        var before = reader.ErrorCount;
        reader.OnlyKeys(map, path, SeverityKeys);
        var id = Id(reader, map, path, ids);
        var severity = Enum(reader, map, "severity", path, SeverityNames, required: true);
        var category = reader.OptionalString(map, "category", path);
        if (category is not null && !header.Categories.Contains(category))
        {
            reader.Error(RulesYamlReader.Get(map, "category")!, RulesYamlReader.Join(path, "category"), $"unknown category '{category}'; rules.yaml declares {string.Join(", ", header.Categories)}");
        }

        var theme = reader.OptionalString(map, "theme", path);
        if (theme is not null && !header.Themes.Contains(theme))
        {
            reader.Error(RulesYamlReader.Get(map, "theme")!, RulesYamlReader.Join(path, "theme"), $"unknown theme '{theme}'; rules.yaml declares {string.Join(", ", header.Themes)}");
        }

        var whenNegated = When(reader, map, path);
        var terms = RequiredTerms(reader, map, path);
        return reader.ErrorCount > before || id is null || severity is null || terms is null
            ? null
            : new SeverityRule(id, (Severity)severity, category, theme, whenNegated, terms);
    }

    private static FlagRule? ReadFlagRule(RulesYamlReader reader, YamlNode node, string path, Dictionary<string, string> ids)
    {
        if (reader.AsMapping(node, path) is not { } map)
        {
            return null;
        }

        var before = reader.ErrorCount;
        reader.OnlyKeys(map, path, FlagKeys);
        var id = Id(reader, map, path, ids);
        var flag = Enum(reader, map, "flag", path, FlagNames, required: true);
        var floor = Enum(reader, map, "floor", path, GradeNames);
        var severity = Enum(reader, map, "severity", path, SeverityNames);
        var whenNegated = When(reader, map, path);
        var terms = RequiredTerms(reader, map, path);
        return reader.ErrorCount > before || id is null || flag is null || terms is null
            ? null
            : new FlagRule(id, FlagValues[flag.Value], floor is null ? null : (Grade)floor, severity is null ? null : (Severity)severity, whenNegated, terms);
    }

    private static List<TermGroup> ReadGroups(RulesYamlReader reader, YamlMappingNode map, string key, IReadOnlyList<string> declared)
    {
        var groups = new List<TermGroup>();
        if (RulesYamlReader.Get(map, key) is not { } node || reader.AsMapping(node, key) is not { } groupMap)
        {
            return groups;
        }

        foreach (var (nameNode, termsNode) in groupMap.Children)
        {
            var name = (nameNode as YamlScalarNode)?.Value ?? string.Empty;
            var path = RulesYamlReader.Join(key, name);
            if (!declared.Contains(name))
            {
                var suggestion = RulesYamlReader.Closest(name, [.. declared]);
                reader.Error(nameNode, path, $"'{name}' is not declared in rules.yaml's {key}" + (suggestion is null ? string.Empty : $"; did you mean '{suggestion}'?"));
                continue;
            }

            if (Terms(reader, termsNode, path) is { Count: > 0 } terms)
            {
                groups.Add(new TermGroup(name, terms));
            }
        }

        return groups;
    }

    private static List<WeightedTerms> ReadWeighted(RulesYamlReader reader, YamlMappingNode map, string key, string weightKey, double min, double max)
    {
        var result = new List<WeightedTerms>();
        if (RulesYamlReader.Get(map, key) is not { } node || reader.AsSequence(node, key) is not { } list)
        {
            return result;
        }

        for (var i = 0; i < list.Children.Count; i++)
        {
            var path = $"{key}[{i}]";
            if (reader.AsMapping(list.Children[i], path) is not { } entry)
            {
                continue;
            }

            reader.OnlyKeys(entry, path, weightKey, "terms");
            var weight = reader.OptionalNumber(entry, weightKey, path);
            if (weight is null)
            {
                if (RulesYamlReader.Get(entry, weightKey) is null)
                {
                    reader.Error(entry, path, $"'{weightKey}' is required");
                }

                continue;
            }

            if (weight < min || weight > max || weight == 0)
            {
                reader.Error(RulesYamlReader.Get(entry, weightKey)!, RulesYamlReader.Join(path, weightKey), $"must be between {min} and {max}, and not 0");
                continue;
            }

            if (RequiredTerms(reader, entry, path) is { } terms)
            {
                result.Add(new WeightedTerms(weight.Value, terms));
            }
        }

        return result;
    }

    private static string? Id(RulesYamlReader reader, YamlMappingNode map, string path, Dictionary<string, string> ids)
    {
        var id = reader.RequiredString(map, "id", path);
        if (id is null)
        {
            return null;
        }

        if (!id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            reader.Error(RulesYamlReader.Get(map, "id")!, RulesYamlReader.Join(path, "id"), $"id '{id}' may hold only letters, digits, '-' and '_'");
            return null;
        }

        var where = $"{reader.File}:{RulesYamlReader.Get(map, "id")!.Start.Line}";
        if (!ids.TryAdd(id, where))
        {
            reader.Error(RulesYamlReader.Get(map, "id")!, RulesYamlReader.Join(path, "id"), $"id '{id}' is also used at {ids[id]}; ids are unique across the lexicons");
            return null;
        }

        return id;
    }

    private static bool When(RulesYamlReader reader, YamlMappingNode map, string path)
    {
        switch (reader.OptionalString(map, "when", path))
        {
            case null or "affirmed":
                return false;
            case "negated":
                return true;
            case var other:
                reader.Error(RulesYamlReader.Get(map, "when")!, RulesYamlReader.Join(path, "when"), $"'{other}' is not a condition; use 'negated' (the words count only when negated) or 'affirmed' (the default)");
                return false;
        }
    }

    private static List<string>? RequiredTerms(RulesYamlReader reader, YamlMappingNode map, string path)
    {
        if (RulesYamlReader.Get(map, "terms") is not { } node)
        {
            reader.Error(map, path, "'terms' is required");
            return null;
        }

        var terms = Terms(reader, node, RulesYamlReader.Join(path, "terms"));
        if (terms.Count == 0)
        {
            reader.Error(node, RulesYamlReader.Join(path, "terms"), "the list of terms is empty");
            return null;
        }

        return terms;
    }

    /// <summary>A list of terms; each must have a word in it, and a term listed twice in one list is reported.</summary>
    private static List<string> Terms(RulesYamlReader reader, YamlNode node, string path)
    {
        var terms = new List<string>();
        if (reader.AsSequence(node, path) is not { } list)
        {
            return terms;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Children.Count; i++)
        {
            var item = list.Children[i];
            var itemPath = $"{path}[{i}]";
            if (reader.AsString(item, itemPath) is not { } term)
            {
                continue;
            }

            var normalized = Text.TextNormalizer.Normalize(term);
            if (normalized.IsUnreadable || Text.TextAnalyzer.TermTokens(term).All(t => t.Kind == Text.TokenKind.Break))
            {
                reader.Error(item, itemPath, "the term is empty (it needs a word)");
                continue;
            }

            if (!seen.Add(normalized.Text))
            {
                reader.Error(item, itemPath, $"'{term}' is listed twice here");
                continue;
            }

            terms.Add(term);
        }

        return terms;
    }

    private static List<string>? NonEmptyList(RulesYamlReader reader, YamlNode node, string path)
    {
        var values = reader.StringList(node, path);
        if (values is null)
        {
            return null;
        }

        if (values.Count == 0)
        {
            reader.Error(node, path, "the list is empty");
            return null;
        }

        var distinct = new List<string>();
        foreach (var value in values)
        {
            if (distinct.Contains(value))
            {
                reader.Error(node, path, $"'{value}' is listed twice");
                continue;
            }

            distinct.Add(value);
        }

        return distinct;
    }

    private static List<string>? Missing(RulesYamlReader reader, YamlMappingNode map, string key)
    {
        reader.Error(map, string.Empty, $"'{key}' is required");
        return null;
    }

    private static readonly string[] SeverityNames = ["minor", "moderate", "severe"];
    private static readonly string[] GradeNames = ["general", "significant", "major"];
    private static readonly string[] FlagNames = ["safety", "legal", "churn"];
    private static readonly Signals[] FlagValues = [Signals.Safety, Signals.Legal, Signals.Churn];

    /// <summary>The index of the value under <paramref name="key"/> in <paramref name="names"/>; anything else is reported.</summary>
    private static int? Enum(RulesYamlReader reader, YamlMappingNode map, string key, string path, string[] names, bool required = false)
    {
        var node = RulesYamlReader.Get(map, key);
        if (node is null)
        {
            if (required)
            {
                reader.Error(map, path, $"'{key}' is required ({string.Join(", ", names)})");
            }

            return null;
        }

        var value = reader.AsString(node, RulesYamlReader.Join(path, key));
        if (value is null)
        {
            return null;
        }

        var index = Array.IndexOf(names, value);
        if (index < 0)
        {
            reader.Error(node, RulesYamlReader.Join(path, key), $"'{value}' is not one of {string.Join(", ", names)}");
            return null;
        }

        return index;
    }

    private sealed record Header(
        IReadOnlyList<string> Locales,
        YamlNode LocalesNode,
        int MaxTextLength,
        IReadOnlyList<string> Categories,
        IReadOnlyList<string> Themes,
        string DefaultCategory,
        Floors Floors,
        RepeatRule Repeat,
        AnswerRule Answers);
}
