using ChatFeedback.Adapters.WebChat;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Adapters.WebChat.Tests;

public sealed class WebChatOptionsTests
{
    [Fact]
    public void DefaultsAreValid() =>
        Assert.True(new WebChatOptionsValidator().Validate(null, new WebChatOptions()).Succeeded);

    [Theory]
    [InlineData("SigningKey", "WebChat:SigningKey")]
    [InlineData("MaxTextLength", "WebChat:MaxTextLength")]
    [InlineData("MaxMessagesPerConversation", "WebChat:MaxMessagesPerConversation")]
    [InlineData("ConversationIdleTimeout", "WebChat:ConversationIdleTimeout")]
    [InlineData("MaxRequestBodyBytes", "WebChat:MaxRequestBodyBytes")]
    [InlineData("MaxConversations", "WebChat:MaxConversations")]
    public void AFailureNamesTheKey(string property, string key)
    {
        var options = new WebChatOptions();
        switch (property)
        {
            case "SigningKey": options.SigningKey = "short"; break;
            case "MaxTextLength": options.MaxTextLength = 0; break;
            case "MaxMessagesPerConversation": options.MaxMessagesPerConversation = 0; break;
            case "ConversationIdleTimeout": options.ConversationIdleTimeout = TimeSpan.FromSeconds(5); break;
            case "MaxRequestBodyBytes": options.MaxRequestBodyBytes = 10; break;
            case "MaxConversations": options.MaxConversations = 0; break;
        }

        var result = new WebChatOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadValueStopsTheHostAtStartup()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            WebChatTestHost.StartAsync(new Dictionary<string, string?> { ["WebChat:MaxTextLength"] = "-1" }));

        Assert.Contains("WebChat:MaxTextLength", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AConfiguredSigningKeyMakesTokensStableAcrossHosts()
    {
        var settings = new Dictionary<string, string?> { ["WebChat:SigningKey"] = new string('k', 40) };
        await using var first = await WebChatTestHost.StartAsync(settings);
        await using var second = await WebChatTestHost.StartAsync(settings);

        var a = first.App.Services.GetService(typeof(WebChatTokenService)) as WebChatTokenService;
        var b = second.App.Services.GetService(typeof(WebChatTokenService)) as WebChatTokenService;

        Assert.True(b!.IsValid("c1", a!.Issue("c1")));
    }
}
