using ChatFeedback.Bot.Sessions;

namespace ChatFeedback.Bot.Tests.Sessions;

public sealed class InMemorySurveyLinkStoreTests : SurveyLinkStoreContractTests
{
    protected override ISurveyLinkStore CreateStore() => new InMemorySurveyLinkStore(Time);
}
