using System.Text.RegularExpressions;
using DocPipeline.Tests.Extraction;
using Microsoft.Playwright;

namespace DocPipeline.WebHost.BrowserTests;

/// <summary>
/// An operator's session in a real browser: sign in, ingest the sample corpus from the page, watch the jobs finish,
/// search, remove a document, verify; a screenshot of every page; the jobs page on a phone-width screen.
/// </summary>
public sealed class DashboardFlowTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private readonly LiveHost _host = new();
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync() => (_playwright, _browser) = await Browser.LaunchAsync();

    [Fact]
    public async Task Operator_IngestsSearchesRemovesAndVerifies_FromThePages()
    {
        await using var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.BaseAddress.ToString() });
        context.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        var page = await context.NewPageAsync();

        // Sign in: the overview sends an anonymous visitor to the login page first.
        await page.GotoAsync("/");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/login"));
        await Browser.ScreenshotAsync(page, "login");
        await page.GetByLabel("API key").FillAsync(LiveHost.Key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();

        // Ingest the corpus from the page and watch the jobs finish.
        await page.GetByLabel("Sources").FillAsync(RepositoryPaths.CorpusDirectory);
        await page.GetByRole(AriaRole.Button, new() { Name = "Ingest", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Ingest of 1 source(s) started");
        var corpus = Directory.GetFiles(RepositoryPaths.CorpusDirectory).Length;
        await ReloadUntilAsync(page, "#ingest-state", $"Last ingest: {corpus} added");
        await Assertions.Expect(page.Locator("#jobs-completed")).ToHaveTextAsync(corpus.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Browser.ScreenshotAsync(page, "overview");

        await page.GetByRole(AriaRole.Link, new() { Name = "Jobs", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("td.state-completed")).ToHaveCountAsync(corpus);
        await Browser.ScreenshotAsync(page, "jobs");
        await page.Locator("table a").First.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Job" })).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(page, "job");

        // Search: the honeybee document first.
        await page.GetByRole(AriaRole.Link, new() { Name = "Search", Exact = true }).ClickAsync();
        await page.GetByLabel("Query").FillAsync("how do bees make honey");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.Locator(".hit .path").First).ToContainTextAsync("honeybee-colonies.md");
        await Assertions.Expect(page.Locator(".hit mark").First).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(page, "search");

        // Remove a document from its page.
        await page.GetByRole(AriaRole.Link, new() { Name = "Documents", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#document-count")).ToContainTextAsync($"{corpus} documents");
        await Browser.ScreenshotAsync(page, "documents");
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = "tide-pools.md" }).GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(page.Locator(".chunks li").First).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(page, "document");
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove document" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("removed");
        await Assertions.Expect(page.Locator("#document-count")).ToContainTextAsync($"{corpus - 1} documents");
        await Assertions.Expect(page.Locator("table").GetByText("tide-pools.md")).ToHaveCountAsync(0);

        // Verify.
        await page.GetByRole(AriaRole.Link, new() { Name = "Consistency", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#verify-result")).ToContainTextAsync("Not verified");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Assertions.Expect(page.Locator("#verify-result")).ToContainTextAsync("Consistent:");
        await Assertions.Expect(page.Locator("#verify-result")).ToContainTextAsync("0 documents with a discrepancy");
        await Browser.ScreenshotAsync(page, "consistency");

        // A phone-width screen: the jobs page fits its width (tables scroll inside their own box).
        await page.SetViewportSizeAsync(375, 740);
        await page.GetByRole(AriaRole.Link, new() { Name = "Jobs", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Pause queue" })).ToBeVisibleAsync();
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"The jobs page is {overflow} px wider than a 375 px screen.");
        await Browser.ScreenshotAsync(page, "jobs-phone");
    }

    /// <summary>Reloads the page until <paramref name="selector"/> holds <paramref name="text"/>, within <see cref="Patience"/>.</summary>
    private static async Task ReloadUntilAsync(IPage page, string selector, string text)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!(await page.Locator(selector).InnerTextAsync()).Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"'{selector}' did not show '{text}' within {Patience}: '{await page.Locator(selector).InnerTextAsync()}'.");
            await page.WaitForTimeoutAsync(500);
            await page.ReloadAsync();
        }
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        _host.Dispose();
    }
}
