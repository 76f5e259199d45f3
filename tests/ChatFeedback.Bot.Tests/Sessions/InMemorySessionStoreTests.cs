using ChatFeedback.Bot.Sessions;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Tests.Sessions;

public sealed class InMemorySessionStoreTests : SessionStoreContractTests
{
    protected override ISessionStore CreateStore() =>
        new InMemorySessionStore(Options.Create(new SessionsOptions { IdleTimeout = IdleTimeout }), Time);
}
