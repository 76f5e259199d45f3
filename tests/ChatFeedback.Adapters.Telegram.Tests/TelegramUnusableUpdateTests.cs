using System.Net;
using System.Text.Json.Nodes;

namespace ChatFeedback.Adapters.Telegram.Tests;

/// <summary>
/// Updates the mapper cannot use, fed as JSON bodies through the real webhook: each is acknowledged with 200 (anything
/// else and Telegram redelivers it for a day) and nothing is queued.
/// </summary>
public sealed class TelegramUnusableUpdateTests
{
    // No wait for a press's turn: the recording sink never answers, and every damaged press would wait it out.
    private static readonly Dictionary<string, string?> NoInlineWait = new() { ["Telegram:CallbackAnswerWait"] = "00:00:00" };

    private static string Fixture(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name + ".json"));

    /// <summary>The fixture with one change made to its parsed JSON.</summary>
    private static string Edit(string fixture, Action<JsonNode> edit)
    {
        var root = JsonNode.Parse(Fixture(fixture))!;
        edit(root);
        return root.ToJsonString();
    }

    public static TheoryData<string, string> LackingWhatTheBotApiAlwaysSends() => new()
    {
        { "callback_query without from", Edit("callback-query", u => u["callback_query"]!.AsObject().Remove("from")) },
        { "callback_query with from null", Edit("callback-query", u => u["callback_query"]!["from"] = null) },
        { "callback_query without id", Edit("callback-query", u => u["callback_query"]!.AsObject().Remove("id")) },
        { "message without chat", Edit("private-text", u => u["message"]!.AsObject().Remove("chat")) },
        { "message with chat null", Edit("private-text", u => u["message"]!["chat"] = null) },
        { "my_chat_member without chat", Edit("my-chat-member-kicked", u => u["my_chat_member"]!.AsObject().Remove("chat")) },
    };

    [Theory]
    [MemberData(nameof(LackingWhatTheBotApiAlwaysSends))]
    public async Task AcknowledgesAnUpdateLackingWhatTheBotApiAlwaysSendsAndQueuesNothing(string damage, string body)
    {
        await using var host = await TelegramWebhookHost.StartAsync(NoInlineWait);

        using var response = await host.PostAsync(body);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{damage}: {(int)response.StatusCode}");
        Assert.Equal(0, host.Sink.Calls);
    }

    [Fact]
    public async Task QueuesAPressWhoseKeyboardHoldsNullRowsAndButtons()
    {
        await using var host = await TelegramWebhookHost.StartAsync(NoInlineWait);
        var body = Edit("callback-query", u =>
        {
            var keyboard = u["callback_query"]!["message"]!["reply_markup"]!["inline_keyboard"]!.AsArray();
            keyboard.Insert(0, null);
            keyboard[1]!.AsArray().Insert(0, null);
        });

        using var response = await host.PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var press = Assert.Single(host.Sink.Messages);
        Assert.Equal("Satisfied", press.Interaction?.ChosenLabel);
    }

    [Fact]
    public async Task QueuesAChannelPostWithoutFromAsAMessageOfTheChat()
    {
        await using var host = await TelegramWebhookHost.StartAsync(NoInlineWait);
        var body = Edit("private-text", u => u["message"]!.AsObject().Remove("from"));

        using var response = await host.PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = Assert.Single(host.Sink.Messages);
        Assert.Equal("385601234", message.Conversation.ConversationId);
        Assert.Null(message.Conversation.UserId);
    }

    public static TheoryData<string> Fixtures() =>
        new(Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures"), "*.json").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task AcknowledgesEveryDamagedCopyOfARealUpdate(string fixture)
    {
        await using var host = await TelegramWebhookHost.StartAsync(NoInlineWait);
        var failures = new List<string>();

        foreach (var (damage, body) in JsonMutations.Of(Fixture(fixture)))
        {
            try
            {
                using var response = await host.PostAsync(body);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"{damage}: {(int)response.StatusCode}");
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
