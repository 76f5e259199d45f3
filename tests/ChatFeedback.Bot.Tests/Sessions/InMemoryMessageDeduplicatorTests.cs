using ChatFeedback.Bot.Sessions;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Tests.Sessions;

public sealed class InMemoryMessageDeduplicatorTests : MessageDeduplicatorContractTests
{
    protected override IMessageDeduplicator CreateDeduplicator() => CreateInMemory();

    [Fact]
    public async Task ExpiredIdsAreSweptSoMemoryStaysBounded()
    {
        var deduplicator = CreateInMemory();
        for (var i = 0; i < 100; i++)
        {
            await deduplicator.TryBeginAsync("telegram:42", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Time.Advance(Window * 2);
        await deduplicator.TryBeginAsync("telegram:42", "fresh");

        Assert.Equal(1, deduplicator.Count);
    }

    private InMemoryMessageDeduplicator CreateInMemory() =>
        new(Options.Create(new SessionsOptions { DedupeWindow = Window }), Time);
}
