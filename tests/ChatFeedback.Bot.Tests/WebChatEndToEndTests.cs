using ChatFeedback.Bot.Conversations;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ChatFeedback.Adapters.WebChat;
using ChatFeedback.Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFeedback.Bot.Tests;

/// <summary>A customer in the web chat, through the real host: HTTP in, turn pipeline, engine, web chat transcript out.</summary>
public sealed class WebChatEndToEndTests : IAsyncLifetime
{
    private readonly BotFactory _factory = new();
    private HttpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private async Task<(string Id, string Token)> OpenAsync(string locale)
    {
        using var response = await _client.PostAsJsonAsync("/api/webchat/conversations", new { locale }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return (json.RootElement.GetProperty("conversationId").GetString()!, json.RootElement.GetProperty("token").GetString()!);
    }

    private async Task<string> PostAsync((string Id, string Token) conversation, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webchat/conversations/{conversation.Id}/messages")
        {
            Content = JsonContent.Create(body),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", conversation.Token);
        using var response = await _client.SendAsync(request, Ct);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return json.RootElement.GetProperty("status").GetString()!;
    }

    /// <summary>Waits (on the transcript store's signal, not on time) until the conversation holds <paramref name="count"/> messages.</summary>
    private async Task WaitForMessagesAsync(string conversationId, int count)
    {
        var store = _factory.Services.GetRequiredService<IWebChatTranscriptStore>();
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

    private async Task<JsonElement[]> GetMessagesAsync((string Id, string Token) conversation, long after)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/webchat/conversations/{conversation.Id}/messages?after={after}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", conversation.Token);
        using var response = await _client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return json.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    [Fact]
    public async Task OpeningTheChatGreetsWithTheMenuAndAnsweringWithButtonsAndTextRunsTheSurvey()
    {
        var conversation = await OpenAsync("en");

        await WaitForMessagesAsync(conversation.Id, 2);
        var greeting = await GetMessagesAsync(conversation, 0);
        Assert.Equal(2, greeting.Length);
        Assert.Contains("Hello", greeting[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        var menu = greeting[1].GetProperty("question");
        Assert.Equal(QuestionKeys.For("menu", "main"), menu.GetProperty("id").GetString());
        Assert.Contains(menu.GetProperty("options").EnumerateArray(), o => o.GetProperty("value").GetString() == "survey");

        Assert.Equal("queued", await PostAsync(conversation, new { id = "m1", button = new { questionId = QuestionKeys.For("menu", "main"), value = "survey" } }));
        await WaitForMessagesAsync(conversation.Id, 4);
        var survey = await GetMessagesAsync(conversation, 2);
        Assert.Equal(2, survey.Length);
        var product = survey[1].GetProperty("question");
        Assert.Equal(QuestionKeys.For("post-purchase-survey", "product_quality"), product.GetProperty("id").GetString());
        Assert.Equal("rating", product.GetProperty("kind").GetString());
        Assert.Equal("Very satisfied", product.GetProperty("options")[0].GetProperty("label").GetString());

        Assert.Equal("queued", await PostAsync(conversation, new { id = "m2", text = "very satisfied" }));
        Assert.Equal("duplicate", await PostAsync(conversation, new { id = "m2", text = "very satisfied" }));
        await WaitForMessagesAsync(conversation.Id, 5);
        var next = await GetMessagesAsync(conversation, 4);
        Assert.Equal(QuestionKeys.For("post-purchase-survey", "service_experience"), Assert.Single(next).GetProperty("question").GetProperty("id").GetString());
    }

    [Fact]
    public async Task ChineseCustomerIsAnsweredInChinese()
    {
        var conversation = await OpenAsync("zh-CN");

        await WaitForMessagesAsync(conversation.Id, 2);
        var greeting = await GetMessagesAsync(conversation, 0);

        Assert.Contains("您好", greeting[0].GetProperty("text").GetString(), StringComparison.Ordinal);
    }
}
