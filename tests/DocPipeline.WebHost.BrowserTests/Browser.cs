using Microsoft.Playwright;

namespace DocPipeline.WebHost.BrowserTests;

/// <summary>
/// Debian's Chromium, driven by Playwright: launched from <c>/usr/bin/chromium</c> (or <c>CHROMIUM_PATH</c>), never
/// downloaded. A machine without it fails these tests with a message saying so; they do not skip.
/// </summary>
internal static class Browser
{
    public static string ExecutablePath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Gets the folder screenshots are written to (in the test output).</summary>
    public static string Screenshots { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {ExecutablePath}: install it (apt-get install -y chromium, as .ci/run does) or set CHROMIUM_PATH. The browser tests do not skip.");
        }

        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage"],
        });
        return (playwright, browser);
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
}
