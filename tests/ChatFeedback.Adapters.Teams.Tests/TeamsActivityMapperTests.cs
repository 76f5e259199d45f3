using System.Text.Json;

namespace ChatFeedback.Adapters.Teams.Tests;

public sealed class TeamsActivityMapperTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    private static TeamsActivity Load(string name) =>
        JsonSerializer.Deserialize<TeamsActivity>(TeamsHost.Fixture(name), TeamsJson.Options)!;

    [Fact]
    public void MapsPersonalMessageToText()
    {
        var message = TeamsActivityMapper.Map(Load("teams-message"), Now)!;

        Assert.Equal(InboundKind.Text, message.Kind);
        Assert.Equal("1772442927123", message.MessageId);
        Assert.Equal("The parcel arrived damaged <again> & nobody answers", message.Text);
        Assert.Equal("en-GB", message.Locale);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 9, 15, 27, 123, TimeSpan.Zero).AddTicks(4567), message.ReceivedAt);
        Assert.Equal(
            new ConversationAddress("msteams", "a:1Hkxr8Jc0QmXyZ7gq2v3Ue9pF6tW4bL5nD8sA0cR1oVyE", "29:1GcS4EN60BGbB4zWj9kZ3ZxCKqV8sW2hRkbAp4XnYwz1aQ", "https://smba.trafficmanager.net/emea/", TeamsHost.TenantId, IsGroup: false),
            message.Conversation);
    }

    [Fact]
    public void StripsOnlyTheBotsOwnMention()
    {
        var message = TeamsActivityMapper.Map(Load("teams-channel-mention"), Now)!;

        Assert.Equal("please ask <at>Adele Vance</at> about the survey", message.Text);
        Assert.True(message.Conversation.IsGroup);
        Assert.Equal("19:4b1f2c0d8e9a4f6bb3c2d1e0f9a8b7c6@thread.tacv2;messageid=1772443201554", message.Conversation.ConversationId);
    }

    [Fact]
    public void StripsMentionByNameWhenTheEntityHasNoText()
    {
        var activity = Load("teams-channel-mention") with
        {
            Text = "<AT>ChatFeedback</AT> hi",
            Entities = JsonDocument.Parse($$$"""[{"type":"mention","mentioned":{"id":"28:{{{TeamsHost.AppId}}}","name":"ChatFeedback"}}]""").RootElement,
        };

        Assert.Equal("hi", TeamsActivityMapper.RemoveBotMention(activity));
    }

    [Fact]
    public void MapsCardSubmissionToButton()
    {
        var message = TeamsActivityMapper.Map(Load("teams-card-submit"), Now)!;

        Assert.Equal(InboundKind.Button, message.Kind);
        Assert.Equal(new ButtonPress("csat", "4"), message.Button);
        Assert.Null(message.Text);
    }

    [Fact]
    public void IgnoresMessageWithNeitherTextNorOurData()
    {
        var activity = Load("teams-card-submit") with { Value = JsonDocument.Parse("""{"other":"x"}""").RootElement };

        Assert.Null(TeamsActivityMapper.Map(activity, Now));
    }

    [Fact]
    public void MapsBotAddedToConversationOpened()
    {
        var message = TeamsActivityMapper.Map(Load("teams-conversation-update"), Now)!;

        Assert.Equal(InboundKind.ConversationOpened, message.Kind);
        Assert.Equal("f:2a1b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", message.MessageId);
    }

    [Fact]
    public void IgnoresOtherMembersBeingAdded()
    {
        var activity = Load("teams-conversation-update") with { MembersAdded = [new TeamsChannelAccount { Id = "29:someone-else" }] };

        Assert.Null(TeamsActivityMapper.Map(activity, Now));
    }

    [Fact]
    public void MapsInstallationAddToConversationOpened()
    {
        Assert.Equal(InboundKind.ConversationOpened, TeamsActivityMapper.Map(Load("teams-installation-add"), Now)!.Kind);
    }

    [Fact]
    public void MapsInstallationRemoveToChannelLeft()
    {
        var message = TeamsActivityMapper.Map(Load("teams-installation-remove"), Now)!;

        Assert.Equal(InboundKind.ChannelLeft, message.Kind);
        Assert.Equal(TeamsHost.TenantId, message.Conversation.TenantId);
    }

    [Fact]
    public void IgnoresInstallationUpgrade()
    {
        Assert.Null(TeamsActivityMapper.Map(Load("teams-installation-add") with { Action = "add-upgrade" }, Now));
    }

    [Fact]
    public void IgnoresMessageReactions()
    {
        Assert.Null(TeamsActivityMapper.Map(Load("teams-message-reaction"), Now));
    }

    [Fact]
    public void IgnoresUnknownTypes()
    {
        Assert.Null(TeamsActivityMapper.Map(Load("teams-message") with { Type = "someFutureEvent" }, Now));
    }

    [Fact]
    public void MapsCardActionInvokeToButtonWithLabelAndText()
    {
        var action = TeamsActivityMapper.MapCardAction(Load("teams-invoke-card-action"), Now)!;

        Assert.Equal(new ButtonPress("csat", "4"), action.Message.Button);
        Assert.Equal("f:8877a1b2-c3d4-4e5f-a6b7-c8d9e0f1a2b3", action.Message.MessageId);
        Assert.Equal("Satisfied", action.Label);
        Assert.Equal("How satisfied are you with your delivery?", action.QuestionText);
    }

    [Fact]
    public void KeepsChannelIdMsteamsForPlaygroundActivities()
    {
        var activity = Load("playground-message") with { ChannelId = "emulator" };

        var message = TeamsActivityMapper.Map(activity, Now)!;

        Assert.Equal("msteams", message.Conversation.ChannelId);
        Assert.Equal("user-id-0", message.Conversation.UserId);
        Assert.Equal("00000000-0000-0000-0000-0000000000001", message.Conversation.TenantId);
        Assert.Equal("hello", message.Text);
    }

    [Fact]
    public void FallsBackToConversationTenantAndClock()
    {
        var activity = Load("teams-message") with { ChannelData = null, Timestamp = null };

        var message = TeamsActivityMapper.Map(activity, Now)!;

        Assert.Equal(TeamsHost.TenantId, message.Conversation.TenantId);
        Assert.Equal(Now, message.ReceivedAt);
    }

    [Fact]
    public void IgnoresActivitiesWithoutConversationOrServiceUrl()
    {
        Assert.Null(TeamsActivityMapper.Map(Load("teams-message") with { ServiceUrl = null }, Now));
        Assert.Null(TeamsActivityMapper.Map(Load("teams-message") with { Conversation = null }, Now));
    }

    [Fact]
    public void ToleratesUnknownFieldsAndShapes()
    {
        var json = """{"type":"message","id":"1","text":"hi","serviceUrl":"https://smba.trafficmanager.net/emea/","conversation":{"id":"a:1","brandNew":{"x":[1,2]}},"channelData":"not even an object","entities":[1,"two",{"type":"mention"}],"futureField":42}""";

        var message = TeamsActivityMapper.Map(JsonSerializer.Deserialize<TeamsActivity>(json, TeamsJson.Options)!, Now)!;

        Assert.Equal("hi", message.Text);
    }
}
