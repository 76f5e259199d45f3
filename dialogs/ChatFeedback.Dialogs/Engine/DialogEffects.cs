namespace ChatFeedback.Dialogs;

/// <summary>Something the host must carry out after a turn: record, open a case, hand off, schedule, opt out.</summary>
public abstract record DialogEffect;

public sealed record FlowStarted(string FlowId, int FlowVersion) : DialogEffect;

public sealed record FlowEnded(string FlowId, int FlowVersion, FlowEndReason Reason) : DialogEffect;

public enum FlowEndReason
{
    Completed,
    Cancelled,

    /// <summary>Another flow was started in its place.</summary>
    Replaced,

    /// <summary>The customer opted out.</summary>
    Stopped,
}

/// <param name="Score">The numeric value for ratings, null otherwise.</param>
public sealed record AnswerRecorded(string FlowId, int FlowVersion, string StepId, StepKind Kind, string Value, int? Score, string? Metric, string? Dimension) : DialogEffect;

/// <summary>An optional question was skipped, or a question gave up after too many invalid answers.</summary>
public sealed record AnswerSkipped(string FlowId, int FlowVersion, string StepId, string Reason) : DialogEffect;

public sealed record OpenCase(string FlowId, string Category, Severity Severity, IReadOnlyList<StepAnswer> Answers) : DialogEffect;

public sealed record RequestHandoff(string Reason, string? FlowId) : DialogEffect;

public sealed record ScheduleFollowUp(string FlowId, TimeSpan After) : DialogEffect;

public sealed record AddTag(string Tag) : DialogEffect;

public sealed record OptOut : DialogEffect;

/// <summary>An opted-out customer said yes to surveys and follow-ups again (only ever on their explicit answer).</summary>
public sealed record OptIn : DialogEffect;

/// <summary>Erase what is stored about this customer (sessions, answers, cases), then confirm.</summary>
public sealed record EraseData : DialogEffect;
