using ChatFeedback.Bot.Records;
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

    [Fact]
    public void PostgresPreparesStatementsAutomaticallyUnlessTheConnectionStringSays()
    {
        static string Resolved(string connectionString) =>
            new StorageOptions { Provider = StorageProvider.Postgres, ConnectionString = connectionString }.ResolvedConnectionString;

        var plain = new Npgsql.NpgsqlConnectionStringBuilder(Resolved("Host=db;Database=cf;Username=u;Password=p;Pooling=true"));
        Assert.Equal((StorageOptions.DefaultMaxAutoPrepare, "db", "cf", "p"), (plain.MaxAutoPrepare, plain.Host, plain.Database, plain.Password));

        // Said explicitly, in either spelling, it stays as said: 0 switches automatic preparation off.
        Assert.Equal("Host=db;Max Auto Prepare=0", Resolved("Host=db;Max Auto Prepare=0"));
        Assert.Equal("Host=db;MaxAutoPrepare=8", Resolved("Host=db;MaxAutoPrepare=8"));

        // SQLite strings are left alone, and a string Npgsql cannot read is passed on for Npgsql to report when it opens.
        Assert.Equal("Data Source=x.db", new StorageOptions { ConnectionString = "Data Source=x.db" }.ResolvedConnectionString);
        Assert.Equal("Host=db;Nonsense=1", Resolved("Host=db;Nonsense=1"));
    }
}
