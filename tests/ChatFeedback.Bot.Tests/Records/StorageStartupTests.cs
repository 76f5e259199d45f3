using ChatFeedback.Bot.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Tests.Records;

public sealed class StorageStartupTests
{
    [Fact]
    public async Task PostgresWithoutAConnectionStringStopsStartUpNamingTheKey()
    {
        await using var factory = new BotFactory(configure: c => c.AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:Provider"] = "Postgres" }));

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("ConnectionStrings:ChatFeedback must be set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CaseDeadlinesMustBePositiveAndInOrder()
    {
        await using var factory = new BotFactory(configure: c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cases:RespondWithin"] = "2.00:00:00",
            ["Cases:HandleWithin"] = "1.00:00:00",
        }));

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("Cases:HandleWithin", error.Message, StringComparison.Ordinal);
    }
}
