using System.Net;
using System.Text.Json;
using ChatFeedback.Bot.Tests.Support;

namespace ChatFeedback.Bot.Tests;

public sealed class HealthTests
{
    [Fact]
    public async Task HealthReportsHealthyWithTheNumberOfLoadedFlows()
    {
        await using var factory = new BotFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("healthy", json.RootElement.GetProperty("status").GetString());
        Assert.True(json.RootElement.GetProperty("flows").GetInt32() > 0);
    }
}
