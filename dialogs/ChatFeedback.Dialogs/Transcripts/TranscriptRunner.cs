using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace ChatFeedback.Dialogs;

/// <summary>Reads <c>*.test.yaml</c> files.</summary>
public static class TranscriptLoader
{
    private static readonly string[] TestKeys = ["name", "locale", "start", "turns"];
    private static readonly string[] TurnKeys = ["send", "press", "step", "expect"];
    private static readonly string[] ExpectKeys = ["replies", "buttons", "effects", "noEffects", "ended", "outcome"];

    public static TranscriptLoadResult LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return new TranscriptLoadResult([], [new FlowError(directory, 0, 0, string.Empty, "the flow folder does not exist")]);
        }

        var files = Directory.EnumerateFiles(directory, "*" + FlowLoader.TranscriptSuffix, SearchOption.AllDirectories).Order(StringComparer.Ordinal);
        return Load(files.Select(path => new FlowSource(FlowLoader.DisplayPath(path), File.ReadAllText(path))));
    }

    public static TranscriptLoadResult Load(IEnumerable<FlowSource> sources)
    {
        var errors = new List<FlowError>();
        var transcripts = new List<Transcript>();
        foreach (var source in sources)
        {
            var reader = new YamlReader(source.File, errors);
            if (reader.Parse(source.Text) is not { } root || reader.AsMapping(root, string.Empty) is not { } map)
            {
                continue;
            }

            reader.OnlyKeys(map, string.Empty, "tests");
            if (YamlReader.Get(map, "tests") is not { } testsNode || reader.AsSequence(testsNode, "tests") is not { } tests)
            {
                if (YamlReader.Get(map, "tests") is null)
                {
                    reader.Error(map, string.Empty, "'tests' is required");
                }

                continue;
            }

            for (var i = 0; i < tests.Children.Count; i++)
            {
                if (ReadTest(reader, tests.Children[i], $"tests[{i}]") is { } transcript)
                {
                    transcripts.Add(transcript);
                }
            }
        }

        return new TranscriptLoadResult(transcripts, errors);
    }

    private static Transcript? ReadTest(YamlReader reader, YamlNode node, string path)
    {
        if (reader.AsMapping(node, path) is not { } map)
        {
            return null;
        }

        reader.OnlyKeys(map, path, TestKeys);
        var name = reader.RequiredString(map, "name", path);
        var locale = reader.OptionalString(map, "locale", path) ?? "en";
        var start = reader.OptionalString(map, "start", path);
        if (YamlReader.Get(map, "turns") is not { } turnsNode || reader.AsSequence(turnsNode, path + ".turns") is not { } sequence)
        {
            if (YamlReader.Get(map, "turns") is null)
            {
                reader.Error(map, path, "'turns' is required");
            }

            return null;
        }

        var turns = new List<TranscriptTurn>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            if (ReadTurn(reader, sequence.Children[i], $"{path}.turns[{i}]") is { } turn)
            {
                turns.Add(turn);
            }
        }

        return name is null || turns.Count != sequence.Children.Count
            ? null
            : new Transcript(reader.File, (int)node.Start.Line, name, locale, start, turns);
    }

    private static TranscriptTurn? ReadTurn(YamlReader reader, YamlNode node, string path)
    {
        if (reader.AsMapping(node, path) is not { } map)
        {
            return null;
        }

        reader.OnlyKeys(map, path, TurnKeys);
        var send = reader.OptionalString(map, "send", path);
        string? press;
        var step = reader.OptionalString(map, "step", path);

        // press: VALUE answers the open question; press: { step: ID, value: VALUE } presses a button of any question.
        if (YamlReader.Get(map, "press") is YamlMappingNode pressMap)
        {
            reader.OnlyKeys(pressMap, path + ".press", "step", "value");
            step = reader.RequiredString(pressMap, "step", path + ".press");
            press = reader.RequiredString(pressMap, "value", path + ".press");
        }
        else
        {
            press = reader.OptionalString(map, "press", path);
        }

        if (send is not null && press is not null)
        {
            reader.Error(map, path, "a turn either sends text or presses a button, not both");
            return null;
        }

        if (step is not null && press is null)
        {
            reader.Error(map, path, "'step' names the question of a 'press'");
        }

        DialogInput? input = send is not null ? DialogInput.Typed(send) : press is not null ? DialogInput.Pressed(step ?? string.Empty, press) : null;
        var expectation = new TranscriptExpectation([], null, [], [], null, null);
        if (YamlReader.Get(map, "expect") is { } expectNode)
        {
            expectation = ReadExpectation(reader, expectNode, path + ".expect");
        }

        return new TranscriptTurn((int)node.Start.Line, input, expectation);
    }

    private static TranscriptExpectation ReadExpectation(YamlReader reader, YamlNode node, string path)
    {
        var empty = new TranscriptExpectation([], null, [], [], null, null);
        if (reader.AsMapping(node, path) is not { } map)
        {
            return empty;
        }

        reader.OnlyKeys(map, path, ExpectKeys);
        var replies = YamlReader.Get(map, "replies") is { } repliesNode ? reader.StringList(repliesNode, path + ".replies") ?? [] : [];
        var buttons = YamlReader.Get(map, "buttons") is { } buttonsNode ? reader.StringList(buttonsNode, path + ".buttons") : null;
        var noEffects = YamlReader.Get(map, "noEffects") is { } noEffectsNode ? reader.StringList(noEffectsNode, path + ".noEffects") ?? [] : [];
        foreach (var name in noEffects.Where(n => !EffectNames.Known.Contains(n)))
        {
            reader.Error(map, path + ".noEffects", $"unknown effect '{name}'; known: {string.Join(", ", EffectNames.Known)}");
        }

        var effects = new List<ExpectedEffect>();
        if (YamlReader.Get(map, "effects") is { } effectsNode && reader.AsSequence(effectsNode, path + ".effects") is { } sequence)
        {
            for (var i = 0; i < sequence.Children.Count; i++)
            {
                if (ReadEffect(reader, sequence.Children[i], $"{path}.effects[{i}]") is { } effect)
                {
                    effects.Add(effect);
                }
            }
        }

        TurnOutcome? outcome = null;
        if (reader.OptionalString(map, "outcome", path) is { } outcomeText)
        {
            if (Enum.TryParse<TurnOutcome>(outcomeText, ignoreCase: true, out var parsed) && outcomeText.All(char.IsLetter))
            {
                outcome = parsed;
            }
            else
            {
                reader.Error(YamlReader.Get(map, "outcome")!, path + ".outcome", $"'{outcomeText}' is not answered, invalid, stale, command or started");
            }
        }

        return new TranscriptExpectation(replies, buttons, effects, noEffects, reader.OptionalBool(map, "ended", path), outcome);
    }

    private static ExpectedEffect? ReadEffect(YamlReader reader, YamlNode node, string path)
    {
        string? name;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is YamlScalarNode)
        {
            name = reader.AsString(node, path);
        }
        else if (reader.AsMapping(node, path) is { Children.Count: 1 } map)
        {
            var (keyNode, valueNode) = map.Children.First();
            name = (keyNode as YamlScalarNode)?.Value;
            if (valueNode is YamlMappingNode fieldsMap)
            {
                foreach (var (fieldKey, fieldValue) in fieldsMap.Children)
                {
                    var field = (fieldKey as YamlScalarNode)?.Value ?? string.Empty;
                    if (reader.AsString(fieldValue, $"{path}.{name}.{field}") is { } value)
                    {
                        fields[field] = value;
                    }
                }
            }
            else if (valueNode is not YamlScalarNode { Value: null or "" })
            {
                reader.Error(valueNode, $"{path}.{name}", "expected the effect's fields as a mapping, e.g. { category: detractor }");
            }
        }
        else
        {
            reader.Error(node, path, "an effect is a name, or one name with its fields: { openCase: { category: detractor } }");
            return null;
        }

        if (name is null || !EffectNames.Known.Contains(name))
        {
            reader.Error(node, path, $"unknown effect '{name}'; known: {string.Join(", ", EffectNames.Known)}");
            return null;
        }

        foreach (var field in fields.Keys.Where(f => !EffectNames.Fields[name].Contains(f)))
        {
            reader.Error(node, $"{path}.{name}.{field}", $"'{name}' has no field '{field}'; it has {string.Join(", ", EffectNames.Fields[name])}");
        }

        return new ExpectedEffect(name, fields);
    }
}

/// <summary>The names transcripts use for effects, and the fields each exposes.</summary>
internal static class EffectNames
{
    public static readonly IReadOnlyDictionary<string, string[]> Fields = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["answerRecorded"] = ["flow", "step", "value"],
        ["answerSkipped"] = ["flow", "step", "reason"],
        ["openCase"] = ["flow", "category", "severity"],
        ["handoff"] = ["reason", "flow"],
        ["followUp"] = ["flow", "after"],
        ["tag"] = ["tag"],
        ["optOut"] = [],
        ["optIn"] = [],
        ["eraseData"] = [],
        ["flowStarted"] = ["flow", "version"],
        ["flowEnded"] = ["flow", "reason"],
    };

    public static readonly IReadOnlyCollection<string> Known = [.. Fields.Keys];

    public static (string Name, Dictionary<string, string> Fields) Describe(DialogEffect effect) => effect switch
    {
        AnswerRecorded a => ("answerRecorded", new() { ["flow"] = a.FlowId, ["step"] = a.StepId, ["value"] = a.Value }),
        AnswerSkipped s => ("answerSkipped", new() { ["flow"] = s.FlowId, ["step"] = s.StepId, ["reason"] = s.Reason }),
        OpenCase o => ("openCase", new() { ["flow"] = o.FlowId, ["category"] = o.Category, ["severity"] = Lower(o.Severity) }),
        RequestHandoff h => ("handoff", new() { ["reason"] = h.Reason, ["flow"] = h.FlowId ?? string.Empty }),
        ScheduleFollowUp f => ("followUp", new() { ["flow"] = f.FlowId, ["after"] = f.After.ToString("c", CultureInfo.InvariantCulture) }),
        AddTag t => ("tag", new() { ["tag"] = t.Tag }),
        OptOut => ("optOut", []),
        OptIn => ("optIn", []),
        EraseData => ("eraseData", []),
        FlowStarted s => ("flowStarted", new() { ["flow"] = s.FlowId, ["version"] = s.FlowVersion.ToString(CultureInfo.InvariantCulture) }),
        FlowEnded e => ("flowEnded", new() { ["flow"] = e.FlowId, ["reason"] = Lower(e.Reason) }),
        _ => (effect.GetType().Name, []),
    };

    public static string Format(DialogEffect effect)
    {
        var (name, fields) = Describe(effect);
        return fields.Count == 0 ? name : $"{name} {{ {string.Join(", ", fields.Select(f => $"{f.Key}: {f.Value}"))} }}";
    }

    private static string Lower<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();
}

/// <summary>Plays transcripts against a catalog with the real engine.</summary>
public static class TranscriptRunner
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    public static TranscriptResult Run(FlowCatalog catalog, Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(transcript);
        var failures = new List<string>();
        if (transcript.StartFlow is { } start && catalog.FindLatest(start) is null)
        {
            return new TranscriptResult(transcript, [$"line {transcript.Line}: unknown flow '{start}'"]);
        }

        var engine = new DialogEngine(catalog);
        var state = engine.NewState(transcript.Locale);
        var now = Epoch;
        for (var i = 0; i < transcript.Turns.Count; i++)
        {
            var turnSpec = transcript.Turns[i];
            var input = turnSpec.Input switch
            {
                null when i == 0 => DialogInput.Start(transcript.StartFlow),
                null => DialogInput.Resume,
                { Kind: InputKind.Button, StepId: "" } pressed => DialogInput.Pressed(state.StepId ?? string.Empty, pressed.Value!),
                var given => given,
            };

            DialogTurn turn;
            try
            {
                turn = engine.Advance(state, input, now);
            }
            catch (InvalidOperationException e)
            {
                failures.Add($"line {turnSpec.Line}: the engine failed: {e.Message}");
                break;
            }

            var before = failures.Count;
            Check(turnSpec, turn, failures);
            if (failures.Count > before)
            {
                failures.Add($"  the turn said: {string.Join(" | ", turn.Replies.Select(Describe))}");
                failures.Add($"  its effects:   {string.Join(", ", turn.Effects.Select(EffectNames.Format))}");
                break;
            }

            state = turn.State;
            now = now.AddMinutes(1);
        }

        return new TranscriptResult(transcript, failures);
    }

    private static void Check(TranscriptTurn spec, DialogTurn turn, List<string> failures)
    {
        var expect = spec.Expect;
        var at = $"line {spec.Line}:";
        var position = 0;
        foreach (var expected in expect.Replies)
        {
            // In order: each expected text is looked for from the reply where the previous one was found.
            var found = false;
            for (var i = position; i < turn.Replies.Count && !found; i++)
            {
                if (turn.Replies[i].Text.Contains(expected, StringComparison.OrdinalIgnoreCase))
                {
                    found = true;
                    position = i;
                }
            }

            if (!found)
            {
                failures.Add($"{at} expected a reply containing \"{expected}\" (in order)");
            }
        }

        if (expect.Buttons is { } buttons)
        {
            var prompt = turn.Replies.LastOrDefault(r => r.Prompt is not null)?.Prompt;
            var labels = prompt?.Options.Select(o => o.Label).ToList() ?? [];
            if (!labels.SequenceEqual(buttons))
            {
                failures.Add($"{at} expected buttons [{string.Join(", ", buttons)}] but got [{string.Join(", ", labels)}]");
            }
        }

        var actual = turn.Effects.Select(EffectNames.Describe).ToList();
        foreach (var expected in expect.Effects)
        {
            if (!actual.Any(a => a.Name == expected.Name && expected.Fields.All(f => FieldMatches(f.Key, f.Value, a.Fields.GetValueOrDefault(f.Key)))))
            {
                failures.Add($"{at} expected effect {expected.Name} {{ {string.Join(", ", expected.Fields.Select(f => $"{f.Key}: {f.Value}"))} }}");
            }
        }

        foreach (var forbidden in expect.NoEffects.Where(n => actual.Any(a => a.Name == n)))
        {
            failures.Add($"{at} expected no {forbidden} effect");
        }

        if (expect.Ended is { } ended && ended != turn.State.IsIdle)
        {
            failures.Add(ended ? $"{at} expected the flow to have ended, but it waits at '{turn.State.StepId}'" : $"{at} expected the flow to go on, but it ended");
        }

        if (expect.Outcome is { } outcome && outcome != turn.Outcome)
        {
            failures.Add($"{at} expected outcome {outcome.ToString().ToLowerInvariant()} but got {turn.Outcome.ToString().ToLowerInvariant()}");
        }
    }

    private static bool FieldMatches(string field, string expected, string? actual)
    {
        if (actual is null)
        {
            return false;
        }

        if (field == "after" && FlowReader.ParseDuration(expected) is { } duration)
        {
            return duration.ToString("c", CultureInfo.InvariantCulture) == actual;
        }

        return string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase);
    }

    private static string Describe(Reply reply) => reply.Prompt is { Options.Count: > 0 } prompt
        ? $"{reply.Text} [{string.Join(" / ", prompt.Options.Select(o => o.Label))}]"
        : reply.Text;
}
