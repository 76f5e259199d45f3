using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace ChatFeedback.Browser.Tests;

/// <summary>A customer in a real browser, against the real service: engine, flows, turn pipeline and web chat.</summary>
public sealed partial class WebChatBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task CustomerTakesTheSurveyWithButtonsToTheEnd()
    {
        BrowserFixture.RequireChromium();
        var chat = new ChatPage(await browser.NewPageAsync("en-US"));
        await chat.OpenAsync();

        await chat.PressAsync("main", "survey");
        await chat.PressAsync("product_quality", "5");
        await chat.PressAsync("service_experience", "4");
        await chat.PressAsync("process_efficiency", "5");
        await chat.PressAsync("brand_trust", "4");
        await Expect(chat.Page.Locator($"[data-testid=question][data-question-id='{ChatPage.Key("nps")}'][data-state=active]")).ToBeVisibleAsync();
        await BrowserFixture.SaveScreenshotAsync(chat.Page, "survey-mid-en");
        await chat.PressAsync("nps", "9");
        await chat.PressAsync("effort", "2");
        await chat.SkipAsync("comment");

        await Expect(chat.Log).ToContainTextAsync("Thank you for your feedback");
        var answered = chat.Question("product_quality");
        await Expect(answered).ToHaveAttributeAsync("data-state", "answered");
        await Expect(answered.Locator("[data-testid=option][data-value='5']")).ToHaveAttributeAsync("aria-pressed", "true");
        foreach (var button in await answered.GetByTestId("option").AllAsync())
        {
            await Expect(button).ToBeDisabledAsync();
        }

        await BrowserFixture.SaveScreenshotAsync(chat.Page, "survey-done-en");
    }

    [Fact]
    public async Task CustomerFilesAComplaintByTyping()
    {
        BrowserFixture.RequireChromium();
        var chat = new ChatPage(await browser.NewPageAsync("en-GB"));
        await chat.OpenAsync();

        await chat.TypeAnswerAsync("main", "complaint");
        await chat.TypeAnswerAsync("category", "delivery");
        await chat.TypeAnswerAsync("description", "My parcel arrived a week late and the box was crushed.");
        await chat.TypeAnswerAsync("order_number", "A-10023");
        await chat.TypeAnswerAsync("desired_outcome", "Refund");
        await chat.TypeAnswerAsync("contact_permission", "yes");

        await Expect(chat.Log).ToContainTextAsync(new Regex("complaint has been registered", RegexOptions.IgnoreCase));
        await BrowserFixture.SaveScreenshotAsync(chat.Page, "complaint-done-en");
    }

    [Fact]
    public async Task ChineseCustomerGetsTheSurveyInChineseAndReloadResumes()
    {
        BrowserFixture.RequireChromium();
        // A phone-sized screen: the chat takes the whole viewport.
        var chat = new ChatPage(await browser.NewPageAsync("zh-CN", width: 390, height: 844));
        await chat.OpenAsync();

        await Expect(chat.Page.GetByTestId("locale-zh-CN")).ToHaveAttributeAsync("aria-pressed", "true");
        await chat.PressAsync("main", "survey");
        await chat.PressAsync("product_quality", "5");
        await chat.PressAsync("service_experience", "3");
        await chat.PressAsync("process_efficiency", "4");
        await chat.PressAsync("brand_trust", "5");
        await Expect(chat.Page.Locator($"[data-testid=question][data-question-id='{ChatPage.Key("nps")}'][data-state=active]")).ToBeVisibleAsync();
        await BrowserFixture.SaveScreenshotAsync(chat.Page, "survey-mid-zh-CN-mobile");

        await chat.Page.ReloadAsync();

        // The transcript comes back from the service, the answered question stays answered, and the survey goes on.
        await Expect(chat.Question("product_quality")).ToHaveAttributeAsync("data-state", "answered");
        await Expect(chat.Log).ToContainTextAsync("您对产品的质量满意吗");
        await chat.PressAsync("nps", "7");
        await Expect(chat.Page.Locator($"[data-testid=question][data-question-id='{ChatPage.Key("effort")}'][data-state=active]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task SwitchingLanguageStartsANewConversation()
    {
        BrowserFixture.RequireChromium();
        var chat = new ChatPage(await browser.NewPageAsync("en-US"));
        await chat.OpenAsync();
        await Expect(chat.Page.Locator($"[data-testid=question][data-question-id='{ChatPage.Key("main")}'][data-state=active]")).ToBeVisibleAsync();

        await chat.Page.GetByTestId("locale-zh-CN").ClickAsync();

        await Expect(chat.Page.GetByTestId("locale-zh-CN")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(chat.Page.GetByTestId("composer-input")).ToHaveAttributeAsync("placeholder", "输入消息…");
        await Expect(chat.Log).ToContainTextAsync("请问有什么可以帮您");
        await Expect(chat.Page.GetByTestId("message-bot").First).ToContainTextAsync("您好");
    }
}
