using ChatFeedback.Bot.Sessions;
using Microsoft.Extensions.Time.Testing;

namespace ChatFeedback.Bot.Tests.Sessions;

/// <summary>What every <see cref="IMessageDeduplicator"/> must do; each implementation runs it through a subclass.</summary>
public abstract class MessageDeduplicatorContractTests
{
    protected static readonly TimeSpan Window = TimeSpan.FromHours(24);

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 14, 9, 0, 0, TimeSpan.Zero));

    /// <summary>A fresh deduplicator that remembers ids for <see cref="Window"/> of <see cref="Time"/>.</summary>
    protected abstract IMessageDeduplicator CreateDeduplicator();

    /// <summary>Lets <paramref name="elapsed"/> pass for one message id; a store with its own clock (Redis) ages that id's key too.</summary>
    protected virtual Task ElapseAsync(string conversationKey, string messageId, TimeSpan elapsed)
    {
        Time.Advance(elapsed);
        return Task.CompletedTask;
    }

    // Unique per test, so implementations shared across tests (one Redis) never see another test's ids.
    private static string NewId() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task FirstSightingOfAMessageIdIsAdmitted()
    {
        var deduplicator = CreateDeduplicator();

        Assert.True(await deduplicator.TryBeginAsync("telegram:42", NewId()));
    }

    [Fact]
    public async Task RepeatedMessageIdWithinTheWindowIsRefused()
    {
        var deduplicator = CreateDeduplicator();
        var id = NewId();
        await deduplicator.TryBeginAsync("telegram:42", id);
        await ElapseAsync("telegram:42", id, Window - TimeSpan.FromMinutes(1));

        Assert.False(await deduplicator.TryBeginAsync("telegram:42", id));
    }

    [Fact]
    public async Task SameMessageIdInAnotherConversationIsADifferentMessage()
    {
        var deduplicator = CreateDeduplicator();
        var id = NewId();
        await deduplicator.TryBeginAsync("telegram:42", id);

        Assert.True(await deduplicator.TryBeginAsync("webchat:42", id));
    }

    [Fact]
    public async Task MessageIdIsAdmittedAgainAfterTheWindow()
    {
        var deduplicator = CreateDeduplicator();
        var id = NewId();
        await deduplicator.TryBeginAsync("telegram:42", id);
        await ElapseAsync("telegram:42", id, Window + TimeSpan.FromSeconds(1));

        Assert.True(await deduplicator.TryBeginAsync("telegram:42", id));
        Assert.False(await deduplicator.TryBeginAsync("telegram:42", id));
    }

    [Fact]
    public async Task ForgottenMessageIdIsAdmittedAgain()
    {
        var deduplicator = CreateDeduplicator();
        var id = NewId();
        await deduplicator.TryBeginAsync("telegram:42", id);
        await deduplicator.ForgetAsync("telegram:42", id);

        Assert.True(await deduplicator.TryBeginAsync("telegram:42", id));
    }

    [Fact]
    public async Task ForgettingAnUnknownMessageIdDoesNothing()
    {
        var deduplicator = CreateDeduplicator();

        await deduplicator.ForgetAsync("telegram:42", NewId());
    }

    [Fact]
    public async Task OnlyOneOfManyConcurrentSightingsIsAdmitted()
    {
        var deduplicator = CreateDeduplicator();
        var id = NewId();

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () => await deduplicator.TryBeginAsync("telegram:42", id))));

        Assert.Single(results, admitted => admitted);
    }
}
