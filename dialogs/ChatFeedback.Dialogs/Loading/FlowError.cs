namespace ChatFeedback.Dialogs;

/// <summary>One problem in a flow file: where it is (file, line, column, path to the element) and what is wrong.</summary>
public sealed record FlowError(string File, int Line, int Column, string Path, string Message)
{
    public override string ToString() =>
        Path.Length == 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}:{Line}:{Column}: {Path}: {Message}";
}

/// <summary>Thrown when a flow set that must load (the service's) does not; the message lists every error.</summary>
public sealed class InvalidFlowSetException : Exception
{
    public InvalidFlowSetException(IReadOnlyList<FlowError> errors)
        : base($"The flow set is invalid ({errors.Count} error(s)):{Environment.NewLine}" + string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    public InvalidFlowSetException()
        : this([])
    {
    }

    public InvalidFlowSetException(string message)
        : base(message)
    {
        Errors = [];
    }

    public InvalidFlowSetException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public IReadOnlyList<FlowError> Errors { get; }
}

/// <summary>The outcome of loading a flow set: a catalog, or every error found.</summary>
public sealed record FlowLoadResult(FlowCatalog? Catalog, IReadOnlyList<FlowError> Errors)
{
    public bool Succeeded => Catalog is not null && Errors.Count == 0;

    public FlowCatalog GetCatalogOrThrow() => Succeeded ? Catalog! : throw new InvalidFlowSetException(Errors);
}

/// <summary>A flow file's text and the name to report it by.</summary>
public sealed record FlowSource(string File, string Text);
