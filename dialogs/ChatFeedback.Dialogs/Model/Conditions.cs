namespace ChatFeedback.Dialogs;

/// <summary>A test on earlier answers, used by branch steps. Deliberately tiny: no expressions, no code.</summary>
public abstract record Condition
{
    public abstract bool Holds(AnswerLookup answers);
}

/// <summary>Finds the answer recorded under a step id in the running flow.</summary>
public delegate string? AnswerLookup(string stepId);

public enum Comparison
{
    Equals,
    In,
    LessThan,
    LessOrEqual,
    GreaterThan,
    GreaterOrEqual,
}

public sealed record AnswerCondition(string StepId, Comparison Comparison, IReadOnlyList<string> Values, double Number) : Condition
{
    public override bool Holds(AnswerLookup answers)
    {
        var answer = answers(StepId);
        if (answer is null)
        {
            return false;
        }

        switch (Comparison)
        {
            case Comparison.Equals:
            case Comparison.In:
                foreach (var value in Values)
                {
                    if (string.Equals(answer, value, StringComparison.OrdinalIgnoreCase))
                    {
                        return true;
                    }
                }

                return false;
            default:
                if (!double.TryParse(answer, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number))
                {
                    return false;
                }

                return Comparison switch
                {
                    Comparison.LessThan => number < Number,
                    Comparison.LessOrEqual => number <= Number,
                    Comparison.GreaterThan => number > Number,
                    _ => number >= Number,
                };
        }
    }
}

public sealed record AnsweredCondition(string StepId) : Condition
{
    public override bool Holds(AnswerLookup answers) => answers(StepId) is not null;
}

public sealed record AnyCondition(IReadOnlyList<Condition> Conditions) : Condition
{
    public override bool Holds(AnswerLookup answers)
    {
        foreach (var condition in Conditions)
        {
            if (condition.Holds(answers))
            {
                return true;
            }
        }

        return false;
    }
}

public sealed record AllCondition(IReadOnlyList<Condition> Conditions) : Condition
{
    public override bool Holds(AnswerLookup answers)
    {
        foreach (var condition in Conditions)
        {
            if (!condition.Holds(answers))
            {
                return false;
            }
        }

        return true;
    }
}

public sealed record NotCondition(Condition Inner) : Condition
{
    public override bool Holds(AnswerLookup answers) => !Inner.Holds(answers);
}
