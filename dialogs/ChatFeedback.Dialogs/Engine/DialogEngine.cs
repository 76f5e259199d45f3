namespace ChatFeedback.Dialogs;

/// <summary>
/// The dialog engine: a pure function of (flows, state, input, time). No I/O, no clock, no channel types;
/// everything the host must do comes back as <see cref="DialogEffect"/>s.
/// </summary>
public sealed class DialogEngine(FlowCatalog catalog)
{
    public FlowCatalog Catalog { get; } = catalog;

    /// <summary>An idle state for a new conversation in the supported locale closest to <paramref name="requestedLocale"/>.</summary>
    public DialogState NewState(string? requestedLocale) => DialogState.Idle(Catalog.ResolveLocale(requestedLocale));

    public DialogTurn Advance(DialogState state, DialogInput input, DateTimeOffset now) => throw new NotImplementedException();
}
