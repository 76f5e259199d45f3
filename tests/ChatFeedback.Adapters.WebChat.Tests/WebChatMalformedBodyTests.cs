using System.Net;
using System.Text;

namespace ChatFeedback.Adapters.WebChat.Tests;

/// <summary>
/// Bodies with fields missing, null, of the wrong type or not JSON at all, through the real endpoints: each is refused
/// with a 4xx problem (the browser's bug, not the service's), never a 5xx, and nothing malformed reaches the sink.
/// </summary>
public sealed class WebChatMalformedBodyTests
{
    public static TheoryData<string> MessageBodies() => new(
        """{"id":"m1","text":"The parcel was late"}""",
        """{"id":"m2","button":{"questionId":"q1","value":"survey"}}""");

    [Theory]
    [MemberData(nameof(MessageBodies))]
    public async Task NoDamagedCopyOfAMessageGetsA5xx(string original)
    {
        await using var host = await WebChatTestHost.StartAsync();
        var conversation = await host.OpenAsync();
        var failures = new List<string>();

        foreach (var (damage, body) in JsonMutations.Of(original))
        {
            using var response = await host.PostRawAsync(conversation, body);
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"{damage}: {(int)response.StatusCode}");
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task NoDamagedCopyOfAnOpeningGetsA5xx()
    {
        await using var host = await WebChatTestHost.StartAsync();
        var failures = new List<string>();

        foreach (var (damage, body) in JsonMutations.Of("""{"locale":"zh-CN"}"""))
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await host.Client.PostAsync(new Uri("/api/webchat/conversations", UriKind.Relative), content, TestContext.Current.CancellationToken);
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"{damage}: {(int)response.StatusCode}");
            }
        }

        Assert.Empty(failures);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("{\"id\":\"m1\",\"text\":\"hi\"}{\"id\":\"m2\"}")]
    [InlineData("{\"id\":\"m1\",\"button\":{\"questionId\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":1}}}}}}}}}")]
    public async Task RefusesAMessageThatIsNotAJsonObjectWith400(string body)
    {
        await using var host = await WebChatTestHost.StartAsync();
        var conversation = await host.OpenAsync();
        var queued = host.Sink.Messages.Count;

        using var response = await host.PostRawAsync(conversation, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(queued, host.Sink.Messages.Count);
    }

    [Fact]
    public async Task RefusesABodyThatIsNotUtf8With400()
    {
        await using var host = await WebChatTestHost.StartAsync();
        var conversation = await host.OpenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webchat/conversations/{conversation.ConversationId}/messages")
        {
            Content = new ByteArrayContent([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}']),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Authorization = new("Bearer", conversation.Token);

        using var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
