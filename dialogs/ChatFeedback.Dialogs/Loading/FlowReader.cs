using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ChatFeedback.Dialogs;

/// <summary>A reference to another flow, checked once every file is read.</summary>
internal sealed record FlowReference(string FlowId, string File, YamlNode Node, string Path);

/// <summary>Reads one flow file into a <see cref="Flow"/> and checks it on its own (cross-file references come later).</summary>
internal sealed partial class FlowReader(YamlReader reader, GlobalSettings global)
{
    public const int MaxTextLength = 4000;

    /// <summary>Choice ids travel inside button payloads; Telegram allows 64 bytes for all of it.</summary>
    public const int MaxChoiceIdLength = 32;
    public static readonly TimeSpan MaxFollowUpDelay = TimeSpan.FromHours(72);

    private static readonly string[] FlowKeys = ["id", "version", "defaultLocale", "locales", "title", "settings", "steps"];
    private static readonly string[] AnswerOperators = ["equals", "in", "lt", "lte", "gt", "gte"];
    private static readonly string[] QuestionKeys = ["id", "kind", "text", "next", "optional", "onInvalid"];

    private readonly Dictionary<string, (YamlNode Node, string Path)> _stepNodes = new(StringComparer.Ordinal);
    private readonly List<(string Target, YamlNode Node, string Path)> _stepReferences = [];
    private readonly List<(AnswerCondition Condition, YamlNode Node, string Path)> _conditions = [];
    private readonly List<(string StepId, YamlNode Node, string Path)> _categorySources = [];
    private IReadOnlyList<string> _locales = [];

    public List<FlowReference> FlowReferences { get; } = [];

    /// <summary>The id the file declares, even when the flow itself is invalid (so others referring to it are not blamed).</summary>
    public string? DeclaredId { get; private set; }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^\s*(\d+)\s*(m|h|d)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex DurationPattern();

    public Flow? Read(YamlNode root)
    {
        var map = reader.AsMapping(root, string.Empty);
        if (map is null)
        {
            return null;
        }

        var errorsBefore = reader.Errors.Count;
        reader.OnlyKeys(map, string.Empty, FlowKeys);
        var id = reader.RequiredString(map, "id", string.Empty);
        DeclaredId = id;
        if (id is not null && !IdPattern().IsMatch(id))
        {
            reader.Error(YamlReader.Get(map, "id")!, "id", $"'{id}' is not a valid id (letters, digits, '-' and '_', at most 64)");
        }

        var version = reader.OptionalInt(map, "version", string.Empty);
        if (version is null && YamlReader.Get(map, "version") is null)
        {
            reader.Error(map, string.Empty, "'version' is required (a positive whole number)");
        }
        else if (version < 1)
        {
            reader.Error(YamlReader.Get(map, "version")!, "version", "the version must be 1 or more");
        }

        var locales = GlobalReader.ReadLocales(reader, map, string.Empty) ?? global.Locales;
        _locales = locales;
        foreach (var required in global.Locales)
        {
            if (!locales.Contains(required, StringComparer.OrdinalIgnoreCase))
            {
                reader.Error(YamlReader.Get(map, "locales") ?? map, "locales", $"every flow must cover '{required}' (listed in global.yaml)");
            }
        }

        var defaultLocale = reader.OptionalString(map, "defaultLocale", string.Empty) ?? global.DefaultLocale;
        if (!locales.Contains(defaultLocale, StringComparer.OrdinalIgnoreCase))
        {
            reader.Error(YamlReader.Get(map, "defaultLocale") ?? map, "defaultLocale", $"'{defaultLocale}' is not in locales ({string.Join(", ", locales)})");
        }

        var title = reader.OptionalText(map, "title", string.Empty, locales);
        var settings = ReadSettings(map);
        var steps = ReadSteps(map);
        if (id is null || version is null || steps is null || reader.Errors.Count > errorsBefore)
        {
            return null;
        }

        var flow = new Flow(id, version.Value, defaultLocale, locales, title, settings, steps, reader.File);
        CheckReferences(flow);
        if (reader.Errors.Count == errorsBefore)
        {
            FlowGraph.Check(flow, reader, _stepNodes);
        }

        return reader.Errors.Count == errorsBefore ? flow : null;
    }

    private FlowSettings ReadSettings(YamlMappingNode map)
    {
        if (YamlReader.Get(map, "settings") is not { } node || reader.AsMapping(node, "settings") is not { } settingsMap)
        {
            return FlowSettings.Default;
        }

        reader.OnlyKeys(settingsMap, "settings", "maxRetries", "onRetriesExhausted");
        var maxRetries = reader.OptionalInt(settingsMap, "maxRetries", "settings") ?? FlowSettings.Default.MaxRetries;
        if (maxRetries is < 0 or > 10)
        {
            reader.Error(YamlReader.Get(settingsMap, "maxRetries")!, "settings.maxRetries", "maxRetries must be between 0 and 10");
        }

        var policy = ReadPolicy(settingsMap, "onRetriesExhausted", "settings") ?? FlowSettings.Default.OnRetriesExhausted;
        return new FlowSettings(maxRetries, policy);
    }

    private InvalidAnswerPolicy? ReadPolicy(YamlMappingNode map, string key, string path)
    {
        var value = reader.OptionalString(map, key, path);
        switch (value)
        {
            case null:
                return null;
            case "skip":
                return InvalidAnswerPolicy.Skip;
            case "handoff":
                return InvalidAnswerPolicy.Handoff;
            default:
                reader.Error(YamlReader.Get(map, key)!, YamlReader.Join(path, key), $"'{value}' is not skip or handoff");
                return null;
        }
    }

    private List<Step>? ReadSteps(YamlMappingNode map)
    {
        if (YamlReader.Get(map, "steps") is not { } node)
        {
            reader.Error(map, string.Empty, "'steps' is required");
            return null;
        }

        var sequence = reader.AsSequence(node, "steps");
        if (sequence is null)
        {
            return null;
        }

        if (sequence.Children.Count == 0)
        {
            reader.Error(node, "steps", "a flow needs at least one step");
            return null;
        }

        var steps = new List<Step>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var stepNode = sequence.Children[i];
            var path = $"steps[{i}]";
            if (reader.AsMapping(stepNode, path) is not { } stepMap)
            {
                continue;
            }

            var id = reader.RequiredString(stepMap, "id", path);
            if (id is not null)
            {
                path = $"steps[{i}]({id})";
                if (!IdPattern().IsMatch(id))
                {
                    reader.Error(YamlReader.Get(stepMap, "id")!, path + ".id", $"'{id}' is not a valid step id (letters, digits, '-' and '_')");
                }
                else if (_stepNodes.TryGetValue(id, out var first))
                {
                    reader.Error(YamlReader.Get(stepMap, "id")!, path + ".id", $"duplicate step id '{id}' (first used at line {first.Node.Start.Line})");
                    continue;
                }

                _stepNodes[id] = (stepNode, path);
            }

            var step = id is null ? null : ReadStep(stepMap, path, id, steps.Count);
            if (step is not null)
            {
                steps.Add(step);
            }
        }

        return steps;
    }

    private Step? ReadStep(YamlMappingNode map, string path, string id, int index)
    {
        var kind = reader.RequiredString(map, "kind", path);
        var next = reader.OptionalString(map, "next", path);
        if (next is not null)
        {
            _stepReferences.Add((next, YamlReader.Get(map, "next")!, path + ".next"));
        }

        switch (kind)
        {
            case null:
                return null;
            case "message":
                reader.OnlyKeys(map, path, "id", "kind", "text", "next");
                return reader.RequiredText(map, "text", path, _locales) is { } messageText ? new MessageStep(id, index, messageText, next) : null;
            case "end":
                reader.OnlyKeys(map, path, "id", "kind", "text");
                return new EndStep(id, index, reader.OptionalText(map, "text", path, _locales));
            case "choice":
                return ReadChoice(map, path, id, index, next);
            case "rating":
                return ReadRating(map, path, id, index, next);
            case "text":
                return ReadText(map, path, id, index, next);
            case "yesno":
                reader.OnlyKeys(map, path, QuestionKeys);
                return ReadQuestion(map, path) is var (text, optional, onInvalid) ? new YesNoStep(id, index, text, next, optional, onInvalid) : null;
            case "branch":
                return ReadBranch(map, path, id, index);
            case "action":
                return ReadAction(map, path, id, index, next);
            default:
                reader.Error(YamlReader.Get(map, "kind")!, path + ".kind", $"unknown step kind '{kind}'; use message, choice, rating, text, yesno, branch, action or end");
                return null;
        }
    }

    private (LocalizedText Text, bool Optional, InvalidAnswerPolicy? OnInvalid)? ReadQuestion(YamlMappingNode map, string path)
    {
        var text = reader.RequiredText(map, "text", path, _locales);
        var optional = reader.OptionalBool(map, "optional", path) ?? false;
        var onInvalid = ReadPolicy(map, "onInvalid", path);
        return text is null ? null : (text, optional, onInvalid);
    }

    private ChoiceStep? ReadChoice(YamlMappingNode map, string path, string id, int index, string? next)
    {
        reader.OnlyKeys(map, path, [.. QuestionKeys, "choices"]);
        var question = ReadQuestion(map, path);
        if (YamlReader.Get(map, "choices") is not { } choicesNode)
        {
            reader.Error(map, path, "a choice step needs 'choices'");
            return null;
        }

        var sequence = reader.AsSequence(choicesNode, path + ".choices");
        if (sequence is null)
        {
            return null;
        }

        if (sequence.Children.Count < 2)
        {
            reader.Error(choicesNode, path + ".choices", "a choice step needs at least two choices");
        }

        var choices = new List<Choice>();
        var words = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var choicePath = $"{path}.choices[{i}]";
            if (reader.AsMapping(sequence.Children[i], choicePath) is not { } choiceMap)
            {
                continue;
            }

            reader.OnlyKeys(choiceMap, choicePath, "id", "label", "synonyms", "next");
            var choiceId = reader.RequiredString(choiceMap, "id", choicePath);
            if (choiceId is not null && (!IdPattern().IsMatch(choiceId) || choiceId.Length > MaxChoiceIdLength))
            {
                reader.Error(YamlReader.Get(choiceMap, "id")!, choicePath + ".id", $"'{choiceId}' is not a valid choice id (letters, digits, '-' and '_', at most {MaxChoiceIdLength}, so every channel's buttons can carry it)");
            }

            if (choiceId is not null && choices.Any(c => c.Id == choiceId))
            {
                reader.Error(YamlReader.Get(choiceMap, "id")!, choicePath + ".id", $"duplicate choice id '{choiceId}'");
            }

            var label = reader.RequiredText(choiceMap, "label", choicePath, _locales);
            IReadOnlyList<string> synonyms = [];
            if (YamlReader.Get(choiceMap, "synonyms") is { } synonymsNode)
            {
                synonyms = GlobalReader.ReadWordsNode(reader, synonymsNode, choicePath + ".synonyms", _locales) ?? [];
            }

            var choiceNext = reader.OptionalString(choiceMap, "next", choicePath);
            if (choiceNext is not null)
            {
                _stepReferences.Add((choiceNext, YamlReader.Get(choiceMap, "next")!, choicePath + ".next"));
            }

            if (choiceId is null || label is null)
            {
                continue;
            }

            // A typed word must lead to one choice only, or the customer's answer would be a guess.
            foreach (var word in label.ByLocale.Values.Concat(synonyms))
            {
                var normalized = TextMatching.Normalize(word);
                if (words.TryGetValue(normalized, out var owner) && owner != choiceId)
                {
                    reader.Error(sequence.Children[i], choicePath, $"'{word}' would match both '{owner}' and '{choiceId}'");
                }

                words[normalized] = choiceId;
            }

            choices.Add(new Choice(choiceId, label, synonyms, choiceNext));
        }

        return question is var (text, optional, onInvalid) ? new ChoiceStep(id, index, text, next, optional, onInvalid, choices) : null;
    }

    private RatingStep? ReadRating(YamlMappingNode map, string path, string id, int index, string? next)
    {
        reader.OnlyKeys(map, path, [.. QuestionKeys, "scale", "min", "max", "descending", "labels", "metric", "dimension"]);
        var question = ReadQuestion(map, path);
        RatingScale? scale;
        var scaleName = reader.OptionalString(map, "scale", path);
        var inline = YamlReader.Get(map, "min") is not null || YamlReader.Get(map, "max") is not null;
        if (scaleName is not null)
        {
            if (inline)
            {
                reader.Error(map, path, "give either 'scale' or 'min'/'max', not both");
            }

            if (!global.Scales.TryGetValue(scaleName, out scale))
            {
                reader.Error(YamlReader.Get(map, "scale")!, path + ".scale", $"unknown scale '{scaleName}'; global.yaml defines {string.Join(", ", global.Scales.Keys)}");
            }
        }
        else
        {
            scale = GlobalReader.ReadScale(reader, map, path, null, _locales);
        }

        var metric = reader.OptionalString(map, "metric", path);
        if (metric is not null && metric is not ("csat" or "nps" or "ces"))
        {
            reader.Error(YamlReader.Get(map, "metric")!, path + ".metric", $"'{metric}' is not csat, nps or ces");
        }

        if (metric == "nps" && scale is not null && (scale.Min != 0 || scale.Max != 10))
        {
            reader.Error(map, path, $"an nps question needs the 0..10 scale, found {scale.Min}..{scale.Max}");
        }

        var dimension = reader.OptionalString(map, "dimension", path);
        return question is var (text, optional, onInvalid) && scale is not null
            ? new RatingStep(id, index, text, next, optional, onInvalid, scale, metric, dimension)
            : null;
    }

    private TextStep? ReadText(YamlMappingNode map, string path, string id, int index, string? next)
    {
        reader.OnlyKeys(map, path, [.. QuestionKeys, "minLength", "maxLength"]);
        var question = ReadQuestion(map, path);
        var min = reader.OptionalInt(map, "minLength", path) ?? 1;
        var max = reader.OptionalInt(map, "maxLength", path) ?? 2000;
        if (min < 0)
        {
            reader.Error(YamlReader.Get(map, "minLength")!, path + ".minLength", "minLength cannot be negative");
        }

        if (max > MaxTextLength)
        {
            reader.Error(YamlReader.Get(map, "maxLength")!, path + ".maxLength", $"maxLength is at most {MaxTextLength}");
        }

        if (max < Math.Max(min, 1))
        {
            reader.Error(YamlReader.Get(map, "maxLength") ?? map, path + ".maxLength", $"maxLength ({max}) must be at least minLength ({min}) and 1");
        }

        return question is var (text, optional, onInvalid) ? new TextStep(id, index, text, next, optional, onInvalid, min, max) : null;
    }

    private BranchStep? ReadBranch(YamlMappingNode map, string path, string id, int index)
    {
        reader.OnlyKeys(map, path, "id", "kind", "cases", "otherwise");
        var otherwise = reader.RequiredString(map, "otherwise", path);
        if (otherwise is not null)
        {
            _stepReferences.Add((otherwise, YamlReader.Get(map, "otherwise")!, path + ".otherwise"));
        }

        if (YamlReader.Get(map, "cases") is not { } casesNode || reader.AsSequence(casesNode, path + ".cases") is not { } sequence)
        {
            if (YamlReader.Get(map, "cases") is null)
            {
                reader.Error(map, path, "a branch needs 'cases'");
            }

            return null;
        }

        var cases = new List<BranchCase>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var casePath = $"{path}.cases[{i}]";
            if (reader.AsMapping(sequence.Children[i], casePath) is not { } caseMap)
            {
                continue;
            }

            reader.OnlyKeys(caseMap, casePath, "when", "next");
            var next = reader.RequiredString(caseMap, "next", casePath);
            if (next is not null)
            {
                _stepReferences.Add((next, YamlReader.Get(caseMap, "next")!, casePath + ".next"));
            }

            Condition? when = null;
            if (YamlReader.Get(caseMap, "when") is { } whenNode)
            {
                when = ReadCondition(whenNode, casePath + ".when");
            }
            else
            {
                reader.Error(caseMap, casePath, "a case needs 'when'");
            }

            if (when is not null && next is not null)
            {
                cases.Add(new BranchCase(when, next));
            }
        }

        return otherwise is null ? null : new BranchStep(id, index, cases, otherwise);
    }

    private Condition? ReadCondition(YamlNode node, string path)
    {
        if (reader.AsMapping(node, path) is not { } map)
        {
            return null;
        }

        if (YamlReader.Get(map, "any") is { } anyNode)
        {
            reader.OnlyKeys(map, path, "any");
            return ReadConditions(anyNode, path + ".any") is { } any ? new AnyCondition(any) : null;
        }

        if (YamlReader.Get(map, "all") is { } allNode)
        {
            reader.OnlyKeys(map, path, "all");
            return ReadConditions(allNode, path + ".all") is { } all ? new AllCondition(all) : null;
        }

        if (YamlReader.Get(map, "not") is { } notNode)
        {
            reader.OnlyKeys(map, path, "not");
            return ReadCondition(notNode, path + ".not") is { } inner ? new NotCondition(inner) : null;
        }

        if (reader.OptionalString(map, "answered", path) is { } answered)
        {
            reader.OnlyKeys(map, path, "answered");
            _stepReferences.Add((answered, YamlReader.Get(map, "answered")!, path + ".answered"));
            return new AnsweredCondition(answered);
        }

        reader.OnlyKeys(map, path, "answer", "equals", "in", "lt", "lte", "gt", "gte");
        var stepId = reader.RequiredString(map, "answer", path);
        if (stepId is null)
        {
            return null;
        }

        _stepReferences.Add((stepId, YamlReader.Get(map, "answer")!, path + ".answer"));
        var operators = AnswerOperators.Where(k => YamlReader.Get(map, k) is not null).ToList();
        if (operators.Count != 1)
        {
            reader.Error(map, path, "a condition on an answer needs exactly one of equals, in, lt, lte, gt, gte");
            return null;
        }

        AnswerCondition? condition = operators[0] switch
        {
            "equals" => reader.OptionalString(map, "equals", path) is { } value ? new AnswerCondition(stepId, Comparison.Equals, [value], 0) : null,
            "in" => reader.StringList(YamlReader.Get(map, "in")!, path + ".in") is { } values ? new AnswerCondition(stepId, Comparison.In, values, 0) : null,
            var op => reader.OptionalNumber(map, op, path) is { } number
                ? new AnswerCondition(stepId, op switch { "lt" => Comparison.LessThan, "lte" => Comparison.LessOrEqual, "gt" => Comparison.GreaterThan, _ => Comparison.GreaterOrEqual }, [], number)
                : null,
        };
        if (condition is not null)
        {
            _conditions.Add((condition, map, path));
        }

        return condition;
    }

    private List<Condition>? ReadConditions(YamlNode node, string path)
    {
        if (reader.AsSequence(node, path) is not { } sequence)
        {
            return null;
        }

        if (sequence.Children.Count == 0)
        {
            reader.Error(node, path, "list at least one condition");
            return null;
        }

        var conditions = new List<Condition>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            if (ReadCondition(sequence.Children[i], $"{path}[{i}]") is { } condition)
            {
                conditions.Add(condition);
            }
        }

        return conditions.Count == sequence.Children.Count ? conditions : null;
    }

    private ActionStep? ReadAction(YamlMappingNode map, string path, string id, int index, string? next)
    {
        reader.OnlyKeys(map, path, "id", "kind", "do", "next");
        if (YamlReader.Get(map, "do") is not { } doNode)
        {
            reader.Error(map, path, "an action step needs 'do'");
            return null;
        }

        if (reader.AsSequence(doNode, path + ".do") is not { } sequence)
        {
            return null;
        }

        if (sequence.Children.Count == 0)
        {
            reader.Error(doNode, path + ".do", "list at least one action");
            return null;
        }

        var actions = new List<FlowAction>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var actionPath = $"{path}.do[{i}]";
            var actionNode = sequence.Children[i];
            if (reader.AsMapping(actionNode, actionPath) is not { } actionMap)
            {
                continue;
            }

            if (actionMap.Children.Count != 1)
            {
                reader.Error(actionNode, actionPath, "each action is one key: openCase, handoff, followUp, tag, optOut, optIn, eraseData or startFlow");
                continue;
            }

            var (keyNode, valueNode) = actionMap.Children.First();
            var name = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            var action = ReadOneAction(name, keyNode, valueNode, $"{actionPath}.{name}");
            if (action is StartFlowAction && (i != sequence.Children.Count - 1 || next is not null))
            {
                reader.Error(actionNode, actionPath, "startFlow leaves this flow, so it must be the step's last action and the step can have no 'next'");
            }

            if (action is not null)
            {
                actions.Add(action);
            }
        }

        return new ActionStep(id, index, actions, next);
    }

    private FlowAction? ReadOneAction(string name, YamlNode keyNode, YamlNode valueNode, string path)
    {
        switch (name)
        {
            case "openCase":
            {
                if (reader.AsMapping(valueNode, path) is not { } map)
                {
                    return null;
                }

                reader.OnlyKeys(map, path, "category", "categoryFrom", "severity");
                var category = reader.OptionalString(map, "category", path);
                var categoryFrom = reader.OptionalString(map, "categoryFrom", path);
                if ((category is null) == (categoryFrom is null))
                {
                    reader.Error(map, path, "openCase needs exactly one of 'category' or 'categoryFrom'");
                    return null;
                }

                if (categoryFrom is not null)
                {
                    _stepReferences.Add((categoryFrom, YamlReader.Get(map, "categoryFrom")!, path + ".categoryFrom"));
                    _categorySources.Add((categoryFrom, YamlReader.Get(map, "categoryFrom")!, path + ".categoryFrom"));
                }

                var severityText = reader.OptionalString(map, "severity", path) ?? "moderate";
                if (!Enum.TryParse<Severity>(severityText, ignoreCase: true, out var severity) || !severityText.All(char.IsLetter))
                {
                    reader.Error(YamlReader.Get(map, "severity")!, path + ".severity", $"'{severityText}' is not minor, moderate or severe");
                    return null;
                }

                return new OpenCaseAction(category, categoryFrom, severity);
            }

            case "handoff":
            {
                if (reader.AsMapping(valueNode, path) is not { } map)
                {
                    return null;
                }

                reader.OnlyKeys(map, path, "reason");
                return reader.RequiredString(map, "reason", path) is { } reason ? new HandoffAction(reason) : null;
            }

            case "followUp":
            {
                if (reader.AsMapping(valueNode, path) is not { } map)
                {
                    return null;
                }

                reader.OnlyKeys(map, path, "flow", "after");
                var flowId = reader.RequiredString(map, "flow", path);
                var afterText = reader.RequiredString(map, "after", path);
                if (flowId is null || afterText is null)
                {
                    return null;
                }

                FlowReferences.Add(new FlowReference(flowId, reader.File, YamlReader.Get(map, "flow")!, path + ".flow"));
                var after = ParseDuration(afterText);
                if (after is null || after <= TimeSpan.Zero || after > MaxFollowUpDelay)
                {
                    reader.Error(YamlReader.Get(map, "after")!, path + ".after", $"'{afterText}' is not a delay like 30m, 48h or 3d of at most 72h");
                    return null;
                }

                return new FollowUpAction(flowId, after.Value);
            }

            case "tag":
                return reader.AsString(valueNode, path) is { Length: > 0 } tag ? new TagAction(tag) : null;
            case "optOut":
                return new OptOutAction();
            case "optIn":
                return new OptInAction();
            case "eraseData":
                return new EraseDataAction();
            case "startFlow":
            {
                if (reader.AsString(valueNode, path) is not { } flowId)
                {
                    return null;
                }

                FlowReferences.Add(new FlowReference(flowId, reader.File, valueNode, path));
                return new StartFlowAction(flowId);
            }

            default:
                reader.Error(keyNode, path, $"unknown action '{name}'; use openCase, handoff, followUp, tag, optOut, optIn, eraseData or startFlow");
                return null;
        }
    }

    public static TimeSpan? ParseDuration(string text)
    {
        var match = DurationPattern().Match(text);
        if (!match.Success)
        {
            return null;
        }

        var amount = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value.ToLowerInvariant() switch
        {
            "m" => TimeSpan.FromMinutes(amount),
            "h" => TimeSpan.FromHours(amount),
            _ => TimeSpan.FromDays(amount),
        };
    }

    private void CheckReferences(Flow flow)
    {
        foreach (var (target, node, path) in _stepReferences)
        {
            if (flow.FindStep(target) is null)
            {
                reader.Error(node, path, $"unknown step '{target}'");
            }
        }

        foreach (var (stepId, node, path) in _categorySources)
        {
            if (flow.FindStep(stepId) is { IsQuestion: false })
            {
                reader.Error(node, path, $"'{stepId}' is not a question, so it has no answer to use as the category");
            }
        }

        foreach (var (condition, node, path) in _conditions)
        {
            var step = flow.FindStep(condition.StepId);
            if (step is null)
            {
                continue;
            }

            var numeric = condition.Comparison is not (Comparison.Equals or Comparison.In);
            switch (step)
            {
                case RatingStep when numeric:
                    break;
                case RatingStep rating:
                    foreach (var value in condition.Values)
                    {
                        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var point) || point < rating.Scale.Min || point > rating.Scale.Max)
                        {
                            reader.Error(node, path, $"'{value}' is not a point of {step.Id}'s scale {rating.Scale.Min}..{rating.Scale.Max}");
                        }
                    }

                    break;
                case ChoiceStep choice when !numeric:
                    foreach (var value in condition.Values.Where(v => choice.Choices.All(c => c.Id != v)))
                    {
                        reader.Error(node, path, $"'{value}' is not a choice of {step.Id} ({string.Join(", ", choice.Choices.Select(c => c.Id))})");
                    }

                    break;
                case YesNoStep when !numeric:
                    foreach (var value in condition.Values.Where(v => v is not (YesNoStep.Yes or YesNoStep.No)))
                    {
                        reader.Error(node, path, $"'{value}' is not yes or no");
                    }

                    break;
                case TextStep when !numeric:
                    break;
                case QuestionStep:
                    reader.Error(node, path, $"lt/lte/gt/gte compare numbers, but {step.Id} is a {step.Kind.ToString().ToLowerInvariant()} question");
                    break;
                default:
                    reader.Error(node, path, $"'{step.Id}' is not a question, so it has no answer");
                    break;
            }
        }
    }
}
