using ChatFeedback.Adapters.WebChat;

namespace ChatFeedback.Bot.Tests.Sessions;

public sealed class InMemoryWebChatTranscriptStoreTests : WebChatTranscriptStoreContractTests
{
    protected override IWebChatTranscriptStore CreateStore(int maxMessages = 200, int maxConversations = 1000) =>
        new InMemoryWebChatTranscriptStore(Time, Options(maxMessages, maxConversations));
}
