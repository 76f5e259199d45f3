namespace ChatFeedback.Dialogs;

/// <summary>An action a flow asks the host to carry out; the engine turns it into a <see cref="DialogEffect"/>.</summary>
public abstract record FlowAction;

/// <param name="Category">A fixed category, or null when <paramref name="CategoryFrom"/> names the step whose answer is the category.</param>
public sealed record OpenCaseAction(string? Category, string? CategoryFrom, Severity Severity) : FlowAction;

public sealed record HandoffAction(string Reason) : FlowAction;

public sealed record FollowUpAction(string FlowId, TimeSpan After) : FlowAction;

public sealed record TagAction(string Tag) : FlowAction;

public sealed record OptOutAction : FlowAction;

/// <summary>The customer, asked after opting out, said they want surveys and follow-ups again.</summary>
public sealed record OptInAction : FlowAction;

/// <summary>The customer confirmed they want their stored data erased.</summary>
public sealed record EraseDataAction : FlowAction;

public sealed record StartFlowAction(string FlowId) : FlowAction;

public enum Severity
{
    Minor,
    Moderate,
    Severe,
}
