using ChatFeedback.Bot.Sessions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ChatFeedback.Bot.Tests.Sessions;

public sealed class InMemoryMessageDeduplicatorTests
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(24);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 14, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryMessageDeduplicator _deduplicator;

    public InMemoryMessageDeduplicatorTests()
    {
        _deduplicator = new InMemoryMessageDeduplicator(Options.Create(new SessionsOptions { DedupeWindow = Window }), _time);
    }

    [Fact]
    public async Task FirstSightingOfAMessageIdIsAdmitted()
    {
        Assert.True(await _deduplicator.TryBeginAsync("telegram", "1"));
    }

    [Fact]
    public async Task RepeatedMessageIdWithinTheWindowIsRefused()
    {
        await _deduplicator.TryBeginAsync("telegram", "1");
        _time.Advance(Window - TimeSpan.FromMinutes(1));

        Assert.False(await _deduplicator.TryBeginAsync("telegram", "1"));
    }

    [Fact]
    public async Task SameMessageIdOnAnotherChannelIsADifferentMessage()
    {
        await _deduplicator.TryBeginAsync("telegram", "1");

        Assert.True(await _deduplicator.TryBeginAsync("webchat", "1"));
    }

    [Fact]
    public async Task MessageIdIsAdmittedAgainAfterTheWindow()
    {
        await _deduplicator.TryBeginAsync("telegram", "1");
        _time.Advance(Window + TimeSpan.FromSeconds(1));

        Assert.True(await _deduplicator.TryBeginAsync("telegram", "1"));
        Assert.False(await _deduplicator.TryBeginAsync("telegram", "1"));
    }

    [Fact]
    public async Task ForgottenMessageIdIsAdmittedAgain()
    {
        await _deduplicator.TryBeginAsync("telegram", "1");
        await _deduplicator.ForgetAsync("telegram", "1");

        Assert.True(await _deduplicator.TryBeginAsync("telegram", "1"));
    }

    [Fact]
    public async Task OnlyOneOfManyConcurrentSightingsIsAdmitted()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () => await _deduplicator.TryBeginAsync("telegram", "same"))));

        Assert.Single(results, admitted => admitted);
    }

    [Fact]
    public async Task ExpiredIdsAreSweptSoMemoryStaysBounded()
    {
        for (var i = 0; i < 100; i++)
        {
            await _deduplicator.TryBeginAsync("telegram", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        _time.Advance(Window * 2);
        await _deduplicator.TryBeginAsync("telegram", "fresh");

        Assert.Equal(1, _deduplicator.Count);
    }
}
