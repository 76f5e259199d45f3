using ChatFeedback.Bot.Conversations;
using ChatFeedback.Bot.Flows;
using ChatFeedback.Dialogs;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatFeedback.Browser.Tests;

/// <summary>The web chat as a customer sees it, addressed through its data-testid hooks.</summary>
public sealed class ChatPage(IPage page)
{
    private static readonly string[] FlowsInPlay = ["menu", "complaint", "post-purchase-survey"];

    /// <summary>The id the page shows for a step's question: the service keys questions by flow and step.</summary>
    public static string Key(string stepId) =>
        QuestionKeys.For(FlowsInPlay.First(flow => Catalog.Value.FindLatest(flow)?.FindStep(stepId) is not null), stepId);

    private static readonly Lazy<FlowCatalog> Catalog = new(() => FlowLoader.LoadDirectory(FlowDirectory.Bundled).GetCatalogOrThrow());

    public IPage Page { get; } = page;

    public ILocator Log => Page.GetByTestId("chat-log");

    public async Task OpenAsync()
    {
        await Page.GotoAsync("/");
        await Expect(Page.GetByTestId("chat")).ToBeVisibleAsync();
    }

    /// <summary>The newest rendering of a question (a re-asked question is rendered again).</summary>
    public ILocator Question(string questionId) =>
        Page.Locator($"[data-testid=question][data-question-id='{Key(questionId)}']").Last;

    /// <summary>Waits for the question to be open, then presses the button with that value.</summary>
    public async Task PressAsync(string questionId, string value)
    {
        var question = Page.Locator($"[data-testid=question][data-question-id='{Key(questionId)}'][data-state=active]").Last;
        var button = question.Locator($"[data-testid=option][data-value='{value}']");
        await button.ClickAsync();
        await Expect(Question(questionId)).ToHaveAttributeAsync("data-state", "answered");
    }

    public async Task SkipAsync(string questionId)
    {
        var question = Page.Locator($"[data-testid=question][data-question-id='{Key(questionId)}'][data-state=active]").Last;
        await question.GetByTestId("skip").ClickAsync();
        await Expect(Question(questionId)).ToHaveAttributeAsync("data-state", "answered");
    }

    /// <summary>Waits until the bot has asked the question, then types the answer and presses Enter.</summary>
    public async Task TypeAnswerAsync(string questionId, string text)
    {
        await Expect(Page.Locator($"[data-testid=message-bot][data-question-id='{Key(questionId)}']").Last).ToBeVisibleAsync();
        var input = Page.GetByTestId("composer-input");
        await input.FillAsync(text);
        await input.PressAsync("Enter");
        await Expect(Page.GetByTestId("message-user").Filter(new() { HasText = text }).Last).ToHaveAttributeAsync("data-status", "sent");
    }
}
