using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatFeedback.Adapters.Teams.Tests;

/// <summary>
/// Activities with fields missing, null or of the wrong type, fed as JSON bodies through the real endpoint: none gets
/// a 5xx (the connector retries those), an activity the mapper cannot use is acknowledged and nothing is queued.
/// </summary>
public sealed class TeamsUnusableActivityTests : IDisposable
{
    private static readonly Dictionary<string, string?> Anonymous = new()
    {
        ["Teams:AppId"] = null,
        ["Teams:AppPassword"] = null,
        ["Teams:AllowAnonymous"] = "true",
    };

    private readonly TestKey key = new("key-1", "msteams");
    private readonly FakeIdentityProvider idp = new();

    public TeamsUnusableActivityTests() => idp.ChannelKeys(key);

    public void Dispose()
    {
        key.Dispose();
        idp.Dispose();
    }

    private static string Edit(string fixture, Action<JsonNode> edit)
    {
        var root = JsonNode.Parse(TeamsHost.Fixture(fixture))!;
        edit(root);
        return root.ToJsonString();
    }

    private string Token(TeamsHost host) => Tokens.Channel(key, TeamsHost.AppId, TeamsHost.ServiceUrl, host.Now);

    public static TheoryData<string, string> Unusable() => new()
    {
        { "message without conversation", Edit("teams-message", a => a.AsObject().Remove("conversation")) },
        { "message with conversation null", Edit("teams-message", a => a["conversation"] = null) },
        { "message with conversation.id null", Edit("teams-message", a => a["conversation"]!["id"] = null) },
        { "conversationUpdate with recipient null", Edit("teams-conversation-update", a => a["recipient"] = null) },
        { "conversationUpdate with membersAdded [null]", Edit("teams-conversation-update", a => a["membersAdded"] = JsonNode.Parse("[null]")) },
    };

    [Theory]
    [MemberData(nameof(Unusable))]
    public async Task AcknowledgesAnActivityTheMapperCannotUseAndQueuesNothing(string damage, string body)
    {
        await using var host = await TeamsHost.StartAsync(idp);

        using var response = await host.PostAsync(body, Token(host));

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{damage}: {(int)response.StatusCode}");
        Assert.Equal(0, host.Sink.Calls);
    }

    [Fact]
    public async Task QueuesAMessageWithoutFromOrEntitiesAsTheConversationsText()
    {
        await using var host = await TeamsHost.StartAsync(idp);
        var body = Edit("teams-channel-mention", a =>
        {
            a["from"] = null;
            a["entities"] = new JsonArray(null, JsonValue.Create(1), new JsonObject { ["type"] = "mention", ["mentioned"] = null });
        });

        using var response = await host.PostAsync(body, Token(host));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = Assert.Single(host.Sink.Messages);
        Assert.Null(message.Conversation.UserId);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"x\"")]
    [InlineData("{\"action\":null}")]
    [InlineData("{\"action\":{\"data\":null}}")]
    public async Task AnswersACardActionWithoutUsableDataWithAnInvokeError(string value)
    {
        await using var host = await TeamsHost.StartAsync(idp);
        var body = Edit("teams-invoke-card-action", a => a["value"] = JsonNode.Parse(value));

        using var response = await host.PostAsync(body, Token(host));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(400, json.RootElement.GetProperty("statusCode").GetInt32());
        Assert.Equal(0, host.Sink.Calls);
    }

    public static TheoryData<string, bool> FixturesInBothModes()
    {
        var data = new TheoryData<string, bool>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures"), "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(file), false);
            data.Add(Path.GetFileNameWithoutExtension(file), true);
        }

        return data;
    }

    /// <summary>
    /// Authenticated, a damaged serviceUrl is refused before the mapper sees it; anonymous, every damage reaches the
    /// mapper. Either way nothing answers 5xx, except 501 for an invoke whose name is not one the bot implements.
    /// </summary>
    [Theory]
    [MemberData(nameof(FixturesInBothModes))]
    public async Task NoDamagedCopyOfARealActivityGetsA5xx(string fixture, bool anonymous)
    {
        await using var host = await TeamsHost.StartAsync(idp, anonymous ? Anonymous : null);
        var original = TeamsHost.Fixture(fixture);
        var serviceUrl = JsonNode.Parse(original)!["serviceUrl"]!.GetValue<string>();
        var token = anonymous ? null : Tokens.Channel(key, TeamsHost.AppId, serviceUrl, host.Now);
        var failures = new List<string>();

        foreach (var (damage, body) in JsonMutations.Of(original))
        {
            try
            {
                using var response = await host.PostAsync(body, token);
                var status = (int)response.StatusCode;
                var unimplementedInvoke = status == 501 && damage.StartsWith("$.name", StringComparison.Ordinal);
                if (status >= 500 && !unimplementedInvoke)
                {
                    failures.Add($"{damage}: {status}");
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failures.Add($"{damage}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        Assert.Empty(failures);
    }
}
