using Microsoft.Playwright;

namespace ChatFeedback.Browser.Tests;

/// <summary>
/// Debian's Chromium driven by Playwright, and the real app on Kestrel. Playwright's own browser download is never
/// used: this machine's network is closed and CI installs Chromium with apt.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private ChatAppFactory? _factory;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public static bool ChromiumAvailable => File.Exists(ChromiumPath);

    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async ValueTask InitializeAsync()
    {
        if (!ChromiumAvailable)
        {
            return;
        }

        _factory = new ChatAppFactory();
        BaseAddress = _factory.StartAndGetAddress();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>Skips the test when Chromium is missing, unless CI demands it (CHATFEEDBACK_REQUIRE_BROWSER=1).</summary>
    public static void RequireChromium()
    {
        if (ChromiumAvailable)
        {
            return;
        }

        var message = $"Chromium is not installed at {ChromiumPath}; install it with 'apt-get install chromium' to run the browser tests.";
        if (Environment.GetEnvironmentVariable("CHATFEEDBACK_REQUIRE_BROWSER") == "1")
        {
            Assert.Fail(message + " CHATFEEDBACK_REQUIRE_BROWSER=1 makes this a failure.");
        }

        Assert.Skip(message);
    }

    public async Task<IPage> NewPageAsync(string locale, int width = 900, int height = 860)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            Locale = locale,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    public static async Task SaveScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, name + ".png");

        // The log scrolls smoothly to new messages; jump to the end so the picture shows the latest question whole.
        await page.EvaluateAsync("() => { const s = document.querySelector('.cf-scroller'); s.style.scrollBehavior = 'auto'; s.scrollTop = s.scrollHeight; }");
        var bytes = await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, Animations = ScreenshotAnimations.Disabled });
        TestContext.Current.AddAttachment(name, bytes, "image/png");
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }
}
