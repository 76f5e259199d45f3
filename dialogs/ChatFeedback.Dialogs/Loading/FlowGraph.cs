using YamlDotNet.RepresentationModel;

namespace ChatFeedback.Dialogs;

/// <summary>Checks a flow as a graph: every step reachable, every path able to end, no loop that asks nothing.</summary>
internal static class FlowGraph
{
    /// <summary>The steps the engine may go to after <paramref name="step"/>; empty when the flow ends there.</summary>
    public static IEnumerable<Step> Successors(Flow flow, Step step)
    {
        switch (step)
        {
            case EndStep:
                yield break;
            case BranchStep branch:
                foreach (var branchCase in branch.Cases)
                {
                    yield return flow.FindStep(branchCase.Next)!;
                }

                yield return flow.FindStep(branch.Otherwise)!;
                yield break;
            case ActionStep action when action.Actions.Any(a => a is StartFlowAction):
                yield break;
            case ChoiceStep choice:
                var fallback = flow.After(step);
                foreach (var option in choice.Choices)
                {
                    var target = option.Next is { } next ? flow.FindStep(next) : fallback;
                    if (target is not null)
                    {
                        yield return target;
                    }
                }

                // A skipped choice (optional, or given up on after invalid answers) goes on to the step's own next.
                if (fallback is not null && (choice.Optional || (choice.OnInvalid ?? flow.Settings.OnRetriesExhausted) == InvalidAnswerPolicy.Skip))
                {
                    yield return fallback;
                }

                yield break;
            default:
                if (flow.After(step) is { } after)
                {
                    yield return after;
                }

                yield break;
        }
    }

    public static void Check(Flow flow, YamlReader reader, IReadOnlyDictionary<string, (YamlNode Node, string Path)> nodes)
    {
        var reachable = new HashSet<Step>();
        var pending = new Stack<Step>([flow.First]);
        while (pending.TryPop(out var step))
        {
            if (reachable.Add(step))
            {
                foreach (var next in Successors(flow, step))
                {
                    pending.Push(next);
                }
            }
        }

        foreach (var step in flow.Steps.Where(s => !reachable.Contains(s)))
        {
            var (node, path) = nodes[step.Id];
            reader.Error(node, path, $"step '{step.Id}' is unreachable: no step leads to it");
        }

        // A step can end when the flow may end there or at a step it can go to.
        var canEnd = new HashSet<Step>(flow.Steps.Where(s => !Successors(flow, s).Any()));
        bool changed;
        do
        {
            changed = false;
            foreach (var step in flow.Steps.Where(s => !canEnd.Contains(s) && Successors(flow, s).Any(canEnd.Contains)))
            {
                canEnd.Add(step);
                changed = true;
            }
        }
        while (changed);

        foreach (var step in flow.Steps.Where(s => reachable.Contains(s) && !canEnd.Contains(s)))
        {
            var (node, path) = nodes[step.Id];
            reader.Error(node, path, $"the flow cannot end after step '{step.Id}': every path from it loops back");
        }

        // Steps that do not wait for the customer run within one turn; a loop among them would never stop.
        var reported = new HashSet<Step>();
        foreach (var start in flow.Steps.Where(s => !s.IsQuestion && reachable.Contains(s)))
        {
            var cycle = FindAutomaticCycle(flow, start);
            if (cycle is not null && cycle.All(reported.Add))
            {
                var (node, path) = nodes[start.Id];
                reader.Error(node, path, $"steps {string.Join(" -> ", cycle.Select(s => s.Id).Append(start.Id))} loop without asking the customer anything");
            }
        }
    }

    private static List<Step>? FindAutomaticCycle(Flow flow, Step start)
    {
        var path = new List<Step>();
        var visited = new HashSet<Step>();

        bool Visit(Step step)
        {
            path.Add(step);
            foreach (var next in Successors(flow, step).Where(s => !s.IsQuestion))
            {
                if (next == start)
                {
                    return true;
                }

                if (visited.Add(next) && Visit(next))
                {
                    return true;
                }
            }

            path.RemoveAt(path.Count - 1);
            return false;
        }

        return Visit(start) ? path : null;
    }
}
