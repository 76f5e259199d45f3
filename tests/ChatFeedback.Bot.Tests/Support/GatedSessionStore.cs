using ChatFeedback.Bot.Sessions;

namespace ChatFeedback.Bot.Tests.Support;

/// <summary>
/// Holds turns at their start until the test opens it: what a slow or hung session store does to a turn. Shared by the
/// hosts of one test, so it can wait until each of them holds a turn.
/// </summary>
internal sealed class TurnGate
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly List<(int Count, TaskCompletionSource Signal)> _waiters = [];
    private int _held;

    /// <summary>Completes once <paramref name="count"/> turns have reached the gate.</summary>
    public Task HeldAsync(int count)
    {
        lock (_gate)
        {
            if (_held >= count)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, signal));
            return signal.Task.WaitAsync(WaitLimit, TestContext.Current.CancellationToken);
        }
    }

    public void Open() => _open.TrySetResult();

    /// <summary>Waits at the gate; the turn's token (the host stopping) ends the wait with an <see cref="OperationCanceledException"/>.</summary>
    public Task PassAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _held++;
            foreach (var waiter in _waiters.Where(w => w.Count <= _held).ToList())
            {
                waiter.Signal.TrySetResult();
                _waiters.Remove(waiter);
            }
        }

        return _open.Task.WaitAsync(cancellationToken);
    }
}

/// <summary>
/// The host's real session store, with each turn's save (the one on behalf of a message, where the turn takes effect)
/// held at a <see cref="TurnGate"/>. Not the load: a turn whose session the inbox read with the add loads nothing.
/// </summary>
internal sealed class GatedSessionStore(ISessionStore inner, TurnGate gate) : ISessionStore
{
    public bool DeduplicatesOnSave => inner.DeduplicatesOnSave;

    public Task<StoredSession?> LoadAsync(string conversationKey, CancellationToken cancellationToken) =>
        inner.LoadAsync(conversationKey, cancellationToken);

    public Task<(StoredSession? Session, bool AlreadyHandled)> LoadAsync(string conversationKey, MessageIdentity causedBy, CancellationToken cancellationToken) =>
        inner.LoadAsync(conversationKey, causedBy, cancellationToken);

    public Task<bool> TrySaveAsync(string conversationKey, StoredSession session, long expectedVersion, CancellationToken cancellationToken) =>
        inner.TrySaveAsync(conversationKey, session, expectedVersion, cancellationToken);

    public async Task<SaveOutcome> TrySaveAsync(string conversationKey, StoredSession session, long expectedVersion, MessageIdentity causedBy, CancellationToken cancellationToken)
    {
        await gate.PassAsync(cancellationToken);
        return await inner.TrySaveAsync(conversationKey, session, expectedVersion, causedBy, cancellationToken);
    }

    public Task<bool> AdmitAsync(string conversationKey, MessageIdentity causedBy, CancellationToken cancellationToken) =>
        inner.AdmitAsync(conversationKey, causedBy, cancellationToken);

    public Task DeleteAsync(string conversationKey, CancellationToken cancellationToken) => inner.DeleteAsync(conversationKey, cancellationToken);
}
