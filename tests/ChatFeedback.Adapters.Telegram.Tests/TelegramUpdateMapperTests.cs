using System.Text.Json;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace ChatFeedback.Adapters.Telegram.Tests;

public sealed class TelegramUpdateMapperTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static Update Fixture(string name)
    {
        var json = System.IO.File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name + ".json"));
        return JsonSerializer.Deserialize<Update>(json, JsonBotAPI.Options)!;
    }

    private static InboundMessage? Map(string fixture, string? botUsername = "ChatFeedbackBot") =>
        TelegramUpdateMapper.Map(Fixture(fixture), Now, botUsername);

    [Fact]
    public void MapsPrivateTextMessageToText()
    {
        var message = Map("private-text");

        Assert.NotNull(message);
        Assert.Equal("731245001", message.MessageId);
        Assert.Equal(InboundKind.Text, message.Kind);
        Assert.Equal("The parcel arrived damaged <again> & nobody answers", message.Text);
        Assert.Equal(new ConversationAddress("telegram", "385601234", "385601234"), message.Conversation);
        Assert.False(message.Conversation.IsGroup);
        Assert.Equal("zh-hans", message.Locale);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1735725600), message.ReceivedAt);
        Assert.Equal(TimeSpan.Zero, message.ReceivedAt.Offset);
    }

    [Fact]
    public void MapsStartWithPayloadToConversationOpenedWithToken()
    {
        var message = Map("start-with-payload");

        Assert.NotNull(message);
        Assert.Equal(InboundKind.ConversationOpened, message.Kind);
        Assert.Equal("q8Zr3vN1_x-Kp0aTmW4bYc", message.StartToken);
        Assert.Equal("en", message.Locale);
    }

    [Theory]
    [InlineData("/start")]
    [InlineData("/start@ChatFeedbackBot")]
    public void KeepsPlainStartAsText(string text)
    {
        var update = Fixture("start-with-payload");
        update.Message!.Text = text;

        var message = TelegramUpdateMapper.Map(update, Now, "ChatFeedbackBot");

        Assert.NotNull(message);
        Assert.Equal(InboundKind.Text, message.Kind);
        Assert.Equal("/start", message.Text);
        Assert.Null(message.StartToken);
    }

    [Theory]
    [InlineData("/start has spaces in it")]
    [InlineData("/start bad$chars")]
    public void DoesNotTreatAnInvalidStartPayloadAsAToken(string text)
    {
        var update = Fixture("start-with-payload");
        update.Message!.Text = text;

        var message = TelegramUpdateMapper.Map(update, Now);

        Assert.NotNull(message);
        Assert.Equal(InboundKind.Text, message.Kind);
        Assert.Null(message.StartToken);
    }

    [Fact]
    public void RejectsStartPayloadLongerThan64Characters()
    {
        var update = Fixture("start-with-payload");
        update.Message!.Text = "/start " + new string('a', 65);

        Assert.Equal(InboundKind.Text, TelegramUpdateMapper.Map(update, Now)!.Kind);

        update.Message.Text = "/start " + new string('a', 64);
        Assert.Equal(InboundKind.ConversationOpened, TelegramUpdateMapper.Map(update, Now)!.Kind);
    }

    [Fact]
    public void StripsThisBotsNameFromGroupCommand()
    {
        var message = Map("group-command");

        Assert.NotNull(message);
        Assert.Equal("/survey", message.Text);
        Assert.Equal(new ConversationAddress("telegram", "-1001822334455", "502233441", IsGroup: true), message.Conversation);
    }

    [Fact]
    public void StripsAnyBotNameWhenNoBotUsernameIsConfigured()
    {
        Assert.Equal("/survey", Map("group-command", botUsername: null)!.Text);
    }

    [Fact]
    public void KeepsCommandAddressedToAnotherBot()
    {
        Assert.Equal("/survey@ChatFeedbackBot", Map("group-command", botUsername: "OtherBot")!.Text);
    }

    [Theory]
    [InlineData("/stop@ChatFeedbackBot now", "/stop now")]
    [InlineData("/help", "/help")]
    [InlineData("not a /command@ChatFeedbackBot", "not a /command@ChatFeedbackBot")]
    public void NormalisesCommands(string text, string expected)
    {
        Assert.Equal(expected, TelegramUpdateMapper.NormaliseCommand(text, "ChatFeedbackBot"));
    }

    [Fact]
    public void MapsCallbackQueryToButtonWithInteraction()
    {
        var message = Map("callback-query");

        Assert.NotNull(message);
        Assert.Equal(InboundKind.Button, message.Kind);
        Assert.Equal(new ButtonPress("q3", "4"), message.Button);
        Assert.Equal(new ConversationAddress("telegram", "385601234", "385601234"), message.Conversation);
        Assert.Equal(
            new Interaction("1656101093845937152", "53", "How satisfied are you with the delivery?", "Satisfied"),
            message.Interaction);
        Assert.Equal(Now, message.ReceivedAt);
        Assert.Equal("731245004", message.MessageId);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData(":5")]
    [InlineData("q3:")]
    public void MapsMalformedCallbackDataToStalePress(string data)
    {
        var update = Fixture("callback-query");
        update.CallbackQuery!.Data = data;

        var message = TelegramUpdateMapper.Map(update, Now);

        Assert.NotNull(message);
        Assert.Equal(new ButtonPress(string.Empty, data), message.Button);
        Assert.Equal("1656101093845937152", message.Interaction!.Id);
        Assert.Null(message.Interaction.ChosenLabel);
    }

    [Fact]
    public void MapsPrivateChatKickToChannelLeft()
    {
        var message = Map("my-chat-member-kicked");

        Assert.NotNull(message);
        Assert.Equal(InboundKind.ChannelLeft, message.Kind);
        Assert.Equal("385601234", message.Conversation.ConversationId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1735729000), message.ReceivedAt);
    }

    [Fact]
    public void IgnoresUnblock()
    {
        var update = Fixture("my-chat-member-kicked");
        update.MyChatMember!.NewChatMember = update.MyChatMember.OldChatMember;

        Assert.Null(TelegramUpdateMapper.Map(update, Now));
    }

    [Fact]
    public void MapsMigrationToConversationMoved()
    {
        var message = Map("migrate-to-chat");

        Assert.NotNull(message);
        Assert.Equal(InboundKind.ConversationMoved, message.Kind);
        Assert.Equal("-498877665", message.Conversation.ConversationId);
        Assert.True(message.Conversation.IsGroup);
        Assert.Equal("-1001822334455", message.MovedTo);
    }

    [Fact]
    public void MapsPhotoCaptionToText()
    {
        var message = Map("photo-with-caption");

        Assert.NotNull(message);
        Assert.Equal(InboundKind.Text, message.Kind);
        Assert.Equal("This is how the box looked", message.Text);
    }

    [Theory]
    [InlineData("edited-message")]
    [InlineData("sticker")]
    public void IgnoresUpdatesWithoutCustomerText(string fixture)
    {
        Assert.Null(Map(fixture));
    }
}
