using ChatFeedback.Adapters;
using ChatFeedback.Bot.Sessions;
using ChatFeedback.Dialogs;
using Microsoft.Extensions.Time.Testing;

namespace ChatFeedback.Bot.Tests.Sessions;

/// <summary>What every <see cref="ISessionStore"/> must do; each implementation runs it through a subclass.</summary>
public abstract class SessionStoreContractTests
{
    protected static readonly TimeSpan IdleTimeout = TimeSpan.FromHours(1);

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 14, 9, 0, 0, TimeSpan.Zero));

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A fresh, empty store whose sessions expire after <see cref="IdleTimeout"/> of <see cref="Time"/>.</summary>
    protected abstract ISessionStore CreateStore();

    /// <summary>
    /// Lets <paramref name="elapsed"/> pass for one session. A store with its own clock (Redis) cannot follow
    /// <see cref="Time"/>, so it overrides this to age that session's key as well.
    /// </summary>
    protected virtual Task ElapseAsync(string conversationKey, TimeSpan elapsed)
    {
        Time.Advance(elapsed);
        return Task.CompletedTask;
    }

    protected static string NewKey() => "test:" + Guid.NewGuid().ToString("N");

    protected StoredSession Session(string key, string? stepId = null, bool optedOut = false) => new(
        new DialogState
        {
            Locale = "zh-CN",
            FlowId = "post-purchase-survey",
            FlowVersion = 2,
            StepId = stepId ?? "product",
            Retries = 1,
            Answers = [new StepAnswer("nps", "9"), new StepAnswer("comment", "送货很快")],
            StartedAt = Time.GetUtcNow().AddMinutes(-2),
            UpdatedAt = Time.GetUtcNow(),
        },
        new ConversationAddress("test", key["test:".Length..], "user-1", "https://service.example/", "tenant-1"),
        Version: 0,
        optedOut,
        Time.GetUtcNow());

    [Fact]
    public async Task LoadReturnsNullForAConversationNeverSaved()
    {
        var store = CreateStore();

        Assert.Null(await store.LoadAsync(NewKey(), Ct));
    }

    [Fact]
    public async Task SavedSessionLoadsBackWithEveryFieldAndVersionOne()
    {
        var store = CreateStore();
        var key = NewKey();
        var session = Session(key, optedOut: true);

        Assert.True(await store.TrySaveAsync(key, session, expectedVersion: 0, Ct));
        var loaded = await store.LoadAsync(key, Ct);

        Assert.NotNull(loaded);
        Assert.Equal(1, loaded.Version);
        Assert.Equal(session.Address, loaded.Address);
        Assert.True(loaded.OptedOut);
        Assert.Equal(session.UpdatedAt, loaded.UpdatedAt);
        Assert.Equal(session.State with { Answers = [] }, loaded.State with { Answers = [] });
        Assert.Equal(session.State.Answers, loaded.State.Answers);
    }

    [Fact]
    public async Task EachSaveRaisesTheVersionByOne()
    {
        var store = CreateStore();
        var key = NewKey();

        Assert.True(await store.TrySaveAsync(key, Session(key, "a"), 0, Ct));
        Assert.True(await store.TrySaveAsync(key, Session(key, "b"), 1, Ct));
        var loaded = await store.LoadAsync(key, Ct);

        Assert.Equal(2, loaded!.Version);
        Assert.Equal("b", loaded.State.StepId);
    }

    [Fact]
    public async Task SaveWithAStaleVersionIsRejectedAndChangesNothing()
    {
        var store = CreateStore();
        var key = NewKey();
        await store.TrySaveAsync(key, Session(key, "first"), 0, Ct);
        await store.TrySaveAsync(key, Session(key, "second"), 1, Ct);

        var saved = await store.TrySaveAsync(key, Session(key, "stale"), 1, Ct);

        Assert.False(saved);
        var loaded = await store.LoadAsync(key, Ct);
        Assert.Equal(2, loaded!.Version);
        Assert.Equal("second", loaded.State.StepId);
    }

    [Fact]
    public async Task CreatingASessionThatAlreadyExistsIsRejected()
    {
        var store = CreateStore();
        var key = NewKey();
        await store.TrySaveAsync(key, Session(key, "first"), 0, Ct);

        Assert.False(await store.TrySaveAsync(key, Session(key, "again"), 0, Ct));
        Assert.Equal("first", (await store.LoadAsync(key, Ct))!.State.StepId);
    }

    [Fact]
    public async Task SavingAtAVersionThatDoesNotExistYetIsRejected()
    {
        var store = CreateStore();
        var key = NewKey();

        Assert.False(await store.TrySaveAsync(key, Session(key), 3, Ct));
        Assert.Null(await store.LoadAsync(key, Ct));
    }

    [Fact]
    public async Task OnlyOneOfManyConcurrentWritersAtTheSameVersionWins()
    {
        var store = CreateStore();
        var key = NewKey();
        await store.TrySaveAsync(key, Session(key), 0, Ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => store.TrySaveAsync(key, Session(key, $"w{i}"), 1, Ct), Ct)));

        Assert.Single(results, saved => saved);
        Assert.Equal(2, (await store.LoadAsync(key, Ct))!.Version);
    }

    [Fact]
    public async Task DeletedSessionIsGoneAndCanBeCreatedAgain()
    {
        var store = CreateStore();
        var key = NewKey();
        await store.TrySaveAsync(key, Session(key), 0, Ct);

        await store.DeleteAsync(key, Ct);

        Assert.Null(await store.LoadAsync(key, Ct));
        Assert.True(await store.TrySaveAsync(key, Session(key), 0, Ct));
        Assert.Equal(1, (await store.LoadAsync(key, Ct))!.Version);
    }

    [Fact]
    public async Task DeletingAMissingSessionDoesNothing()
    {
        var store = CreateStore();

        await store.DeleteAsync(NewKey(), Ct);
    }

    [Fact]
    public async Task SessionIdleLongerThanTheTimeoutExpires()
    {
        var store = CreateStore();
        var key = NewKey();
        await store.TrySaveAsync(key, Session(key), 0, Ct);

        await ElapseAsync(key, IdleTimeout - TimeSpan.FromMinutes(1));
        Assert.NotNull(await store.LoadAsync(key, Ct));

        await ElapseAsync(key, TimeSpan.FromMinutes(2));
        Assert.Null(await store.LoadAsync(key, Ct));
        Assert.True(await store.TrySaveAsync(key, Session(key), 0, Ct));
    }

    [Fact]
    public async Task SavingPushesTheExpiryBack()
    {
        var store = CreateStore();
        var key = NewKey();
        await store.TrySaveAsync(key, Session(key), 0, Ct);

        await ElapseAsync(key, IdleTimeout * 0.75);
        Assert.True(await store.TrySaveAsync(key, Session(key, "later"), 1, Ct));
        await ElapseAsync(key, IdleTimeout * 0.75);

        Assert.Equal("later", (await store.LoadAsync(key, Ct))!.State.StepId);
    }
}
