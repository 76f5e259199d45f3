using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ChatFeedback.Adapters.WebChat;
using ChatFeedback.Bot.Conversations;
using ChatFeedback.Bot.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFeedback.Bot.Tests.Sessions;

/// <summary>A web chat conversation through the real host with its session and dedupe in Redis.</summary>
[Collection(RedisTestGroup.Name)]
public sealed class RedisWebChatTests(RedisServerFixture redis)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConversationKeepsItsSessionInRedisAndDropsARedeliveredMessage()
    {
        var keys = RedisServerFixture.NewKeys();
        await using var factory = new BotFactory(configure: configuration => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = redis.ConnectionString,
            ["Redis:KeyPrefix"] = keys.Prefix,
        }));
        using var client = factory.CreateClient();

        var (id, token) = await OpenAsync(client);
        await WaitForMessagesAsync(factory, id, 2);

        var choice = new { id = "m1", button = new { questionId = QuestionKeys.For("menu", "main"), value = "survey" } };
        Assert.Equal("queued", await PostAsync(client, id, token, choice));

        await WaitForMessagesAsync(factory, id, 4);

        // With Redis the repeat is dropped by its turn (the dedupe is part of the save script), not at enqueue: it is
        // queued, and then neither answers the open question nor gets a stale-button notice.
        Assert.Equal("queued", await PostAsync(client, id, token, choice));
        Assert.Equal("queued", await PostAsync(client, id, token, new { id = "m2", text = "help" }));
        await WaitForMessagesAsync(factory, id, 6);
        var transcript = await factory.Services.GetRequiredService<IWebChatTranscriptStore>().ReadAfterAsync(id, 0, Ct);
        Assert.Equal(6, transcript!.Count);
        Assert.StartsWith("You can tap a button or type your answer", transcript[4].Message.Text, StringComparison.Ordinal);
        Assert.Equal(transcript[3].Message.Question?.QuestionId, transcript[5].Message.Question?.QuestionId); // help, then the open question again
        Assert.NotNull(transcript[5].Message.Question);

        var database = redis.Connection.GetDatabase();
        var server = redis.Connection.GetServers()[0];
        var sessionKey = Assert.Single(await server.KeysAsync(pattern: $"{keys.Prefix}session:*").ToArrayAsync(Ct));
        Assert.EndsWith($"{{webchat:{id}}}", (string?)sessionKey, StringComparison.Ordinal);
        Assert.NotNull(await database.KeyTimeToLiveAsync(sessionKey));
        Assert.True((long)await database.HashGetAsync(sessionKey, "v") >= 1);
        var dedupeKeys = await server.KeysAsync(pattern: $"{keys.Prefix}dedupe:*").ToArrayAsync(Ct);
        Assert.Contains(dedupeKeys, key => ((string?)key)!.StartsWith($"{keys.Prefix}dedupe:{{webchat:{id}}}:", StringComparison.Ordinal) && ((string?)key)!.EndsWith("/m1", StringComparison.Ordinal));
        Assert.All(dedupeKeys, key => Assert.NotNull(database.KeyTimeToLive(key)));
    }

    [Fact]
    public async Task ABrowserMayPostToOneInstanceAndReadFromAnother()
    {
        var keys = RedisServerFixture.NewKeys();
        var settings = new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = redis.ConnectionString,
            ["Redis:KeyPrefix"] = keys.Prefix,
            ["WebChat:SigningKey"] = "a-shared-signing-key-for-both-instances-0123456789",
        };
        await using var first = new BotFactory(configure: configuration => configuration.AddInMemoryCollection(settings));
        await using var second = new BotFactory(configure: configuration => configuration.AddInMemoryCollection(settings));
        using var one = first.CreateClient();
        using var two = second.CreateClient();

        var (id, token) = await OpenAsync(one);
        await WaitForMessagesAsync(second, id, 2); // the greeting, written by the first instance, seen by the second

        var choice = new { id = "m1", button = new { questionId = QuestionKeys.For("menu", "main"), value = "survey" } };
        Assert.Equal("queued", await PostAsync(two, id, token, choice));
        await WaitForMessagesAsync(first, id, 4);

        using var read = new HttpRequestMessage(HttpMethod.Get, $"/api/webchat/conversations/{id}/messages?after=2");
        read.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await one.SendAsync(read, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var messages = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal([3L, 4L], messages.RootElement.EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()));
        Assert.Equal(JsonValueKind.Object, messages.RootElement[1].GetProperty("question").ValueKind); // the survey's first question
    }

    private static async Task<(string Id, string Token)> OpenAsync(HttpClient client)
    {
        using var opened = await client.PostAsJsonAsync("/api/webchat/conversations", new { locale = "en" }, Ct);
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        using var conversation = JsonDocument.Parse(await opened.Content.ReadAsStringAsync(Ct));
        return (conversation.RootElement.GetProperty("conversationId").GetString()!, conversation.RootElement.GetProperty("token").GetString()!);
    }

    private static async Task<string> PostAsync(HttpClient client, string conversationId, string token, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webchat/conversations/{conversationId}/messages") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request, Ct);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return json.RootElement.GetProperty("status").GetString()!;
    }

    private static async Task WaitForMessagesAsync(BotFactory factory, string conversationId, int count)
    {
        var store = factory.Services.GetRequiredService<IWebChatTranscriptStore>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await foreach (var entry in store.WatchAsync(conversationId, 0, timeout.Token))
        {
            if (entry.Seq >= count)
            {
                return;
            }
        }
    }
}
