using System.Collections.Concurrent;
using System.Globalization;

namespace ChatFeedback.Dialogs;

/// <summary>
/// The dialog engine: a pure function of (flows, state, input, time). No I/O, no clock, no channel types;
/// everything the host must do comes back as <see cref="DialogEffect"/>s.
/// </summary>
public sealed class DialogEngine(FlowCatalog catalog)
{
    /// <summary>The value a "skip" button sends for an optional question.</summary>
    public const string SkipValue = "__skip";

    /// <summary>Steps one turn may pass through; the validator rules out loops, this guards flow sets that chain flows.</summary>
    private const int MaxStepsPerTurn = 256;

    // Questions render the same every time for a given step and locale, so their replies are built once.
    private readonly ConcurrentDictionary<(QuestionStep Step, string Locale), Reply> _questionReplies = new();

    public FlowCatalog Catalog { get; } = catalog;

    private GlobalSettings Global => Catalog.Global;

    /// <summary>An idle state for a new conversation in the supported locale closest to <paramref name="requestedLocale"/>.</summary>
    public DialogState NewState(string? requestedLocale) => DialogState.Idle(Catalog.ResolveLocale(requestedLocale));

    public DialogTurn Advance(DialogState state, DialogInput input, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(input);
        var turn = new Turn(this, state, now);
        switch (input.Kind)
        {
            case InputKind.Start:
                turn.EndRunningFlow(FlowEndReason.Replaced);
                turn.StartFlow(input.FlowId ?? Global.EntryFlow);
                return turn.Finish(TurnOutcome.Started);
            case InputKind.Resume:
                return Resume(turn);
            case InputKind.Button:
                return Pressed(turn, input.StepId, input.Value);
            default:
                return Typed(turn, input.Text ?? string.Empty);
        }
    }

    private DialogTurn Resume(Turn turn)
    {
        if (!turn.TryGetOpenQuestion(out _, out var question))
        {
            turn.StartFlow(Global.EntryFlow);
            return turn.Finish(TurnOutcome.Started);
        }

        turn.Ask(question);
        return turn.Finish(TurnOutcome.Started);
    }

    private DialogTurn Pressed(Turn turn, string? stepId, string? value)
    {
        if (!turn.TryGetOpenQuestion(out _, out var question) || turn.Restarted || !string.Equals(question.Id, stepId, StringComparison.Ordinal))
        {
            turn.Say(Global.Text("staleButton", turn.Locale));
            return turn.Finish(TurnOutcome.Stale);
        }

        if (string.Equals(value, SkipValue, StringComparison.Ordinal))
        {
            return Skip(turn, question);
        }

        var answer = value is null ? null : question switch
        {
            ChoiceStep choice => choice.FindChoice(value)?.Id,
            RatingStep rating => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var point) && rating.Scale.Contains(point) ? value : null,
            YesNoStep => value is YesNoStep.Yes or YesNoStep.No ? value : null,
            _ => null,
        };

        // A button value the question does not offer is a forged or outdated press: treat it like a stale one.
        if (answer is null)
        {
            turn.Say(Global.Text("staleButton", turn.Locale));
            return turn.Finish(TurnOutcome.Stale);
        }

        return Answer(turn, question, answer);
    }

    private DialogTurn Typed(Turn turn, string text)
    {
        var normalized = TextMatching.Normalize(text);
        if (Global.FindCommand(normalized) is { } command)
        {
            return Command(turn, command);
        }

        if (Global.FindShortcut(normalized) is { } shortcut)
        {
            turn.EndRunningFlow(FlowEndReason.Replaced);
            turn.StartFlow(shortcut);
            return turn.Finish(TurnOutcome.Started);
        }

        if (!turn.TryGetOpenQuestion(out _, out var question))
        {
            turn.StartFlow(Global.EntryFlow);
            return turn.Finish(TurnOutcome.Started);
        }

        if (turn.Restarted)
        {
            return turn.Finish(TurnOutcome.Started);
        }

        switch (question)
        {
            case ChoiceStep choice when choice.Match(normalized) is { } match:
                return Answer(turn, question, match.Id);
            case ChoiceStep choice:
                return Invalid(turn, question, Format(Global.Text("invalidChoice", turn.Locale), ("count", choice.Choices.Count)));
            case RatingStep rating when rating.Scale.Match(normalized) is { } point:
                return Answer(turn, question, point.ToString(CultureInfo.InvariantCulture));
            case RatingStep rating:
                return Invalid(turn, question, Format(Global.Text("invalidRating", turn.Locale), ("min", rating.Scale.Min), ("max", rating.Scale.Max)));
            case YesNoStep when YesNoAnswer(normalized) is { } yesNo:
                return Answer(turn, question, yesNo);
            case YesNoStep:
                return Invalid(turn, question, Global.Text("invalidYesNo", turn.Locale));
            case TextStep textStep:
                var trimmed = text.Trim();
                var length = new StringInfo(trimmed).LengthInTextElements;
                if (length < textStep.MinLength || length == 0)
                {
                    return Invalid(turn, question, Format(Global.Text("textTooShort", turn.Locale), ("min", Math.Max(textStep.MinLength, 1))));
                }

                return length > textStep.MaxLength
                    ? Invalid(turn, question, Format(Global.Text("textTooLong", turn.Locale), ("max", textStep.MaxLength)))
                    : Answer(turn, question, trimmed);
            default:
                throw new InvalidOperationException($"Unknown question kind {question.Kind}.");
        }
    }

    /// <summary>yes/no from the global word lists, or from the position of the Yes/No buttons (1, 2).</summary>
    private string? YesNoAnswer(string normalized) =>
        Global.FindYesNo(normalized) ?? normalized switch { "1" => YesNoStep.Yes, "2" => YesNoStep.No, _ => null };

    private DialogTurn Command(Turn turn, GlobalCommand command)
    {
        var hasQuestion = turn.TryGetOpenQuestion(out var flow, out var question);
        switch (command)
        {
            case GlobalCommand.Help:
                turn.Say(Global.Text("help", turn.Locale));
                if (hasQuestion)
                {
                    turn.Ask(question!);
                }
                else
                {
                    turn.StartFlow(Global.EntryFlow);
                }

                break;
            case GlobalCommand.Cancel:
                turn.EndRunningFlow(FlowEndReason.Cancelled);
                turn.Say(Global.Text("cancelled", turn.Locale));
                if (hasQuestion && flow!.Id != Global.EntryFlow)
                {
                    turn.StartFlow(Global.EntryFlow);
                }

                break;
            case GlobalCommand.Restart:
                var restart = hasQuestion ? flow!.Id : Global.EntryFlow;
                turn.EndRunningFlow(FlowEndReason.Replaced);
                turn.StartFlow(restart);
                break;
            case GlobalCommand.Menu:
                turn.EndRunningFlow(FlowEndReason.Replaced);
                turn.StartFlow(Global.EntryFlow);
                break;
            case GlobalCommand.Agent:
                turn.Effect(new RequestHandoff("customer asked for a person", flow?.Id));
                turn.Say(Global.Text("agentRequested", turn.Locale));
                break;
            case GlobalCommand.Stop:
                turn.Effect(new OptOut());
                turn.EndRunningFlow(FlowEndReason.Stopped);
                turn.Say(Global.Text("stopped", turn.Locale));
                break;
            case GlobalCommand.Skip:
                if (hasQuestion && question!.Optional)
                {
                    return Skip(turn, question);
                }

                turn.Say(Global.Text("notSkippable", turn.Locale));
                if (hasQuestion)
                {
                    turn.Ask(question!);
                }

                break;
        }

        return turn.Finish(TurnOutcome.Command);
    }

    private DialogTurn Skip(Turn turn, QuestionStep question)
    {
        if (!question.Optional)
        {
            turn.Say(Global.Text("notSkippable", turn.Locale));
            turn.Ask(question);
            return turn.Finish(TurnOutcome.Invalid);
        }

        turn.Effect(new AnswerSkipped(turn.Flow!.Id, turn.Flow.Version, question.Id, "skipped by the customer"));
        turn.RunFrom(turn.Flow.After(question));
        return turn.Finish(TurnOutcome.Answered);
    }

    private static DialogTurn Answer(Turn turn, QuestionStep question, string value)
    {
        var flow = turn.Flow!;
        int? score = question is RatingStep ? int.Parse(value, CultureInfo.InvariantCulture) : null;
        var rating = question as RatingStep;
        turn.Record(new StepAnswer(question.Id, value));
        turn.Effect(new AnswerRecorded(flow.Id, flow.Version, question.Id, question.Kind, value, score, rating?.Metric, rating?.Dimension));
        var next = question is ChoiceStep choice && choice.FindChoice(value)?.Next is { } choiceNext
            ? flow.FindStep(choiceNext)
            : flow.After(question);
        turn.RunFrom(next);
        return turn.Finish(TurnOutcome.Answered);
    }

    private DialogTurn Invalid(Turn turn, QuestionStep question, string hint)
    {
        var flow = turn.Flow!;
        if (turn.State.Retries + 1 <= flow.Settings.MaxRetries)
        {
            turn.CountRetry();
            turn.Say(hint);
            turn.Ask(question, keepRetries: true);
            return turn.Finish(TurnOutcome.Invalid);
        }

        turn.Say(Global.Text("retriesExhausted", turn.Locale));
        if ((question.OnInvalid ?? flow.Settings.OnRetriesExhausted) == InvalidAnswerPolicy.Handoff)
        {
            turn.Effect(new AnswerSkipped(flow.Id, flow.Version, question.Id, "too many invalid answers"));
            turn.Effect(new RequestHandoff($"no valid answer to '{question.Id}' after {flow.Settings.MaxRetries + 1} tries", flow.Id));
            turn.Say(Global.Text("agentRequested", turn.Locale));
            turn.EndRunningFlow(FlowEndReason.Cancelled);
            return turn.Finish(TurnOutcome.Invalid);
        }

        turn.Effect(new AnswerSkipped(flow.Id, flow.Version, question.Id, "too many invalid answers"));
        turn.RunFrom(flow.After(question));
        return turn.Finish(TurnOutcome.Invalid);
    }

    private static string Format(string template, params (string Name, int Value)[] values)
    {
        foreach (var (name, value) in values)
        {
            template = template.Replace("{" + name + "}", value.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        return template;
    }

    private Reply QuestionReply(QuestionStep question, Flow flow, string locale) =>
        _questionReplies.GetOrAdd((question, locale), key => BuildQuestionReply(key.Step, flow, key.Locale));

    private Reply BuildQuestionReply(QuestionStep question, Flow flow, string locale)
    {
        var text = question.Text.Resolve(locale, flow.DefaultLocale);
        Prompt prompt = question switch
        {
            ChoiceStep choice => new Prompt(question.Id, PromptKind.Choice, [.. choice.Choices.Select(c => new PromptOption(c.Id, c.Label.Resolve(locale, flow.DefaultLocale)))], question.Optional),
            RatingStep rating => new Prompt(question.Id, PromptKind.Rating, [.. rating.Scale.Points.Select(p => new PromptOption(
                p.ToString(CultureInfo.InvariantCulture),
                rating.Scale.Labels.TryGetValue(p, out var label) ? label.Resolve(locale, flow.DefaultLocale) : p.ToString(CultureInfo.InvariantCulture)))], question.Optional),
            YesNoStep => new Prompt(question.Id, PromptKind.YesNo, [new PromptOption(YesNoStep.Yes, YesNoLabel(YesNoStep.Yes, locale)), new PromptOption(YesNoStep.No, YesNoLabel(YesNoStep.No, locale))], question.Optional),
            _ => new Prompt(question.Id, PromptKind.Text, [], question.Optional),
        };
        return new Reply(text, question.Optional ? prompt with { SkipLabel = Global.Text("skipButton", locale) } : prompt);
    }

    /// <summary>The first yes (or no) word listed for the locale, capitalised, is the button's label.</summary>
    private string YesNoLabel(string value, string locale)
    {
        var label = Global.YesNoLabel(value, locale);
        return label.Length > 0 ? char.ToUpper(label[0], CultureInfo.InvariantCulture) + label[1..] : value;
    }

    /// <summary>Accumulates one turn: the evolving state, replies and effects.</summary>
    private sealed class Turn(DialogEngine engine, DialogState original, DateTimeOffset now)
    {
        private readonly List<Reply> _replies = new(4);
        private readonly List<DialogEffect> _effects = new(4);
        private int _steps;
        private Flow? _flow;
        private bool _flowResolved;

        private readonly DialogState _original = original;

        public DialogState State { get; private set; } = original;

        /// <summary>The stored flow version was gone and the flow started again; the input is not an answer to it.</summary>
        public bool Restarted { get; private set; }

        public string Locale => State.Locale;

        /// <summary>The running flow at the state's version, or null when idle.</summary>
        public Flow? Flow
        {
            get
            {
                if (!_flowResolved)
                {
                    _flow = State.FlowId is null ? null : engine.Catalog.Find(State.FlowId, State.FlowVersion);
                    _flowResolved = true;
                }

                return _flow;
            }
        }

        /// <summary>
        /// Finds the question waiting for an answer. A state whose flow version (or step) no longer exists is
        /// told so and restarted on the newest version rather than left stuck.
        /// </summary>
        public bool TryGetOpenQuestion(out Flow? flow, out QuestionStep question)
        {
            flow = null;
            question = null!;
            if (State.FlowId is null)
            {
                return false;
            }

            if (Flow?.FindStep(State.StepId ?? string.Empty) is QuestionStep open)
            {
                flow = Flow;
                question = open;
                return true;
            }

            var flowId = State.FlowId;
            Restarted = true;
            Say(engine.Global.Text("flowUpdated", Locale));
            Effect(new FlowEnded(flowId, State.FlowVersion, FlowEndReason.Replaced));
            SetIdle();
            StartFlow(engine.Catalog.FindLatest(flowId) is not null ? flowId : engine.Global.EntryFlow);
            if (Flow?.FindStep(State.StepId ?? string.Empty) is QuestionStep restarted)
            {
                flow = Flow;
                question = restarted;
                return true;
            }

            return false;
        }

        public void Say(string text) => _replies.Add(new Reply(text));

        public void Effect(DialogEffect effect) => _effects.Add(effect);

        public void Record(StepAnswer answer) =>
            State = State with { Answers = [.. State.Answers, answer] };

        public void CountRetry() => State = State with { Retries = State.Retries + 1 };

        public void Ask(QuestionStep question, bool keepRetries = false)
        {
            _replies.Add(engine.QuestionReply(question, Flow!, Locale));
            var retries = keepRetries ? State.Retries : 0;
            if (!string.Equals(State.StepId, question.Id, StringComparison.Ordinal) || State.Retries != retries)
            {
                State = State with { StepId = question.Id, Retries = retries };
            }
        }

        public void StartFlow(string flowId)
        {
            var flow = engine.Catalog.FindLatest(flowId)
                ?? throw new InvalidOperationException($"Flow '{flowId}' is not loaded.");
            State = State with
            {
                FlowId = flow.Id,
                FlowVersion = flow.Version,
                StepId = null,
                Retries = 0,
                Answers = [],
                StartedAt = now,
            };
            _flow = flow;
            _flowResolved = true;
            Effect(new FlowStarted(flow.Id, flow.Version));
            RunFrom(flow.First);
        }

        public void EndRunningFlow(FlowEndReason reason)
        {
            if (State.FlowId is { } flowId)
            {
                Effect(new FlowEnded(flowId, State.FlowVersion, reason));
                SetIdle();
            }
        }

        /// <summary>Runs steps that need no answer until a question is asked or the flow ends.</summary>
        public void RunFrom(Step? step)
        {
            var flow = Flow!;
            while (true)
            {
                if (++_steps > MaxStepsPerTurn)
                {
                    throw new InvalidOperationException($"Flow '{flow.Id}' v{flow.Version} ran {MaxStepsPerTurn} steps without asking anything; check its startFlow actions for a loop.");
                }

                switch (step)
                {
                    case null:
                        EndRunningFlow(FlowEndReason.Completed);
                        return;
                    case QuestionStep question:
                        Ask(question);
                        return;
                    case MessageStep message:
                        Say(message.Text!.Resolve(Locale, flow.DefaultLocale));
                        step = flow.After(message);
                        break;
                    case EndStep end:
                        if (end.Text is { } endText)
                        {
                            Say(endText.Resolve(Locale, flow.DefaultLocale));
                        }

                        EndRunningFlow(FlowEndReason.Completed);
                        return;
                    case BranchStep branch:
                        step = flow.FindStep(Choose(branch));
                        break;
                    case ActionStep action:
                        foreach (var item in action.Actions)
                        {
                            if (item is StartFlowAction start)
                            {
                                EndRunningFlow(FlowEndReason.Replaced);
                                StartFlow(start.FlowId);
                                return;
                            }

                            Effect(ToEffect(flow, item));
                        }

                        step = flow.After(action);
                        break;
                    default:
                        throw new InvalidOperationException($"Unknown step kind {step.Kind}.");
                }
            }
        }

        public DialogTurn Finish(TurnOutcome outcome) =>
            outcome == TurnOutcome.Stale && _effects.Count == 0
                ? new(_original, _replies, _effects, outcome)
                : new(State with { UpdatedAt = now }, _replies, _effects, outcome);

        private string Choose(BranchStep branch)
        {
            foreach (var branchCase in branch.Cases)
            {
                if (branchCase.When.Holds(State.AnswerTo))
                {
                    return branchCase.Next;
                }
            }

            return branch.Otherwise;
        }

        private DialogEffect ToEffect(Flow flow, FlowAction action) => action switch
        {
            OpenCaseAction open => new OpenCase(flow.Id, open.Category ?? State.AnswerTo(open.CategoryFrom!) ?? "uncategorized", open.Severity, State.Answers),
            HandoffAction handoff => new RequestHandoff(handoff.Reason, flow.Id),
            FollowUpAction followUp => new ScheduleFollowUp(followUp.FlowId, followUp.After),
            TagAction tag => new AddTag(tag.Tag),
            OptOutAction => new OptOut(),
            OptInAction => new OptIn(),
            EraseDataAction => new EraseData(),
            _ => throw new InvalidOperationException($"Unknown action {action.GetType().Name}."),
        };

        private void SetIdle()
        {
            State = State with { FlowId = null, FlowVersion = 0, StepId = null, Retries = 0, Answers = [], StartedAt = null };
            _flow = null;
            _flowResolved = true;
        }
    }
}
