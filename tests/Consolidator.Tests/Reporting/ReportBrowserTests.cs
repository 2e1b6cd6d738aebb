using Consolidator.Tests.Cli;
using Consolidator.Tests.Support;
using PuppeteerSharp;
using SkiaSharp;

namespace Consolidator.Tests.Reporting;

/// <summary>The report as a planner sees it: Debian's Chromium, headless, opens the <c>report.html</c> that
/// <c>plan</c> wrote (from the file system, as a planner double-clicks it), driven through the DevTools protocol
/// (PuppeteerSharp). The page must raise no console error, no script error and no failed load; every plot must
/// decode; the screenshot must not be blank. A planted broken page shows that the checks catch what they look
/// for.</summary>
public class ReportBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    private static string? Missing => File.Exists(Chromium) ? null : $"{Chromium} is not installed (Debian: apt-get install chromium; .ci/run installs it)";

    [SkippableFact]
    public async Task Chromium_renders_the_report_without_errors_and_the_screenshot_is_not_blank()
    {
        Skip.If(Missing is not null, Missing);
        using var tmp = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("generate", "--out", tmp.File("data"), "--vms", "30", "--days", "2", "--seed", "3").ExitCode);
        var plan = CliRunner.Run("plan", tmp.File("data"), "--out", tmp.File("out"), "--deterministic", "--time-limit", "1");
        Assert.True(plan.ExitCode == 0, plan.Err);

        var page = await Render(Path.Combine(tmp.File("out"), "report.html"), tmp.File("chromium-profile"));

        Assert.Empty(page.Problems);
        Assert.StartsWith("Consolidation plan: 30 VMs", page.Title);
        Assert.True(page.Images.Length >= 5, $"{page.Images.Length} images in the report");
        Assert.All(page.Images, loaded => Assert.True(loaded));
        var (inked, colours, height) = Ink(page.Png);
        Assert.True(height > 900, $"the page is {height} px tall: the report should run past one screen");
        Assert.True(inked > 0.05, $"only {inked:P1} of the screenshot differs from the background");
        Assert.True(colours > 16, $"only {colours} distinct colours: plots draw in many");
    }

    [SkippableFact]
    public async Task A_page_with_a_console_error_a_script_error_and_a_broken_image_is_caught()
    {
        Skip.If(Missing is not null, Missing);
        using var tmp = new TempDirectory();
        File.WriteAllText(tmp.File("broken.html"),
            "<!DOCTYPE html><html><head><title>broken</title></head><body><img src=\"missing.png\">" +
            "<script>console.error('planted'); undefinedFunction();</script></body></html>");

        var page = await Render(tmp.File("broken.html"), tmp.File("chromium-profile"));

        Assert.Contains(page.Problems, p => p == "console: planted");
        Assert.Contains(page.Problems, p => p.StartsWith("script:", StringComparison.Ordinal) && p.Contains("undefinedFunction"));
        Assert.Contains(page.Problems, p => p.StartsWith("load failed:", StringComparison.Ordinal) && p.EndsWith("missing.png", StringComparison.Ordinal));
        Assert.Equal([false], page.Images);
        Assert.True(Ink(page.Png).Inked < 0.01, "a page with nothing on it reads as blank");
    }

    private sealed record Rendered(string Title, List<string> Problems, bool[] Images, byte[] Png);

    private static async Task<Rendered> Render(string file, string profile)
    {
        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            UserDataDir = profile,
            // The machine notes' flags (/work/.library/env/machines/dotnet.md): root needs --no-sandbox; the
            // closed network refuses Chromium's background connections.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
            Timeout = 120_000,
        });
        await using var page = await browser.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, e) => { if (e.Message.Type == ConsoleType.Error && !e.Message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal)) lock (problems) problems.Add($"console: {e.Message.Text}"); };
        page.PageError += (_, e) => { lock (problems) problems.Add($"script: {e.Message}"); };
        page.RequestFailed += (_, e) => { lock (problems) problems.Add($"load failed: {e.Request.Url}"); };
        await page.SetViewportAsync(new ViewPortOptions { Width = 1200, Height = 900 });

        await page.GoToAsync(new Uri(file).AbsoluteUri, new NavigationOptions { WaitUntil = [WaitUntilNavigation.Load], Timeout = 120_000 });
        var images = await page.EvaluateExpressionAsync<bool[]>("Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)");
        var title = await page.GetTitleAsync();
        var png = await page.ScreenshotDataAsync(new ScreenshotOptions { FullPage = true, Type = ScreenshotType.Png });
        lock (problems) return new Rendered(title, [.. problems], images, png);
    }

    /// <summary>The share of pixels that differ from the top-left (background) pixel, the number of distinct
    /// colours (up to 10,000), and the height; every second pixel of every second row.</summary>
    private static (double Inked, int Colours, int Height) Ink(byte[] png)
    {
        using var bitmap = SKBitmap.Decode(png);
        var background = bitmap.GetPixel(0, 0);
        long inked = 0, seen = 0;
        var colours = new HashSet<SKColor>();
        for (var y = 0; y < bitmap.Height; y += 2)
            for (var x = 0; x < bitmap.Width; x += 2)
            {
                var c = bitmap.GetPixel(x, y);
                seen++;
                if (c != background) inked++;
                if (colours.Count < 10_000) colours.Add(c);
            }
        return ((double)inked / seen, colours.Count, bitmap.Height);
    }
}
