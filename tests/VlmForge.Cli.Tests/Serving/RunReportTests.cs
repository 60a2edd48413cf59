using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace VlmForge.Cli.Tests.Serving;

/// <summary>
/// report.html of a run trained and evaluated through the CLI, checked as a file and rendered by headless Chromium
/// (Debian's <c>chromium</c>, installed by .ci/run; locally skipped when missing, failing on CI).
/// </summary>
[Collection(ServedRunCollection.Name)]
public sealed class RunReportTests(ServedRun served, ITestOutputHelper log)
{
    private string Report => Path.Combine(served.RunPath, "report.html");

    [Fact]
    public void Training_writes_a_self_contained_report_with_every_section()
    {
        Assert.True(File.Exists(Report), "train should write report.html");
        string html = File.ReadAllText(Report);
        foreach (var section in new[] { "id=\"config\"", "id=\"parameters\"", "id=\"curves\"", "id=\"metrics\"", "id=\"examples\"" })
            Assert.Contains(section, html, StringComparison.Ordinal);
        Assert.Contains("language_model", html, StringComparison.Ordinal); // the parameter table's modules
        Assert.Contains("name = &quot;served&quot;", html, StringComparison.Ordinal); // the resolved config
        Assert.Contains("data:image/png;base64,", html, StringComparison.Ordinal);
        // Self-contained: nothing is loaded from anywhere (the SVG namespace is an identifier, not a request).
        Assert.DoesNotMatch(new Regex(@"(src|href)\s*=\s*""(https?:)?//"), html);
    }

    [SkippableFact]
    public void Chromium_renders_the_report_and_its_filters_without_script_errors()
    {
        string? chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        bool onCi = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        Assert.False(onCi && chromium is null, "CI=true but chromium is not installed; .ci/run installs Debian's chromium.");
        Skip.If(chromium is null, "chromium is not installed (apt-get install chromium, as .ci/run does)");
        var output = new StringWriter();
        Assert.Equal(0, CliApp.Run(["report", served.RunPath], output, new StringWriter()));
        Assert.Contains("report.html", output.ToString(), StringComparison.Ordinal);

        var (dom, console) = Render(chromium!, new Uri(Report).AbsoluteUri);
        Assert.Contains("data-ready=\"true\"", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("Uncaught", console, StringComparison.Ordinal);
        int cards = Regex.Matches(dom, "<article class=\"example").Count;
        Assert.True(cards >= 2, $"the grid should show the evaluated examples, found {cards}");
        Assert.Contains($"{cards} of {cards} shown", dom, StringComparison.Ordinal);
        Assert.Equal(4, Regex.Matches(dom, "<svg class=\"chart\"").Count);

        // The VQA filter, set from the address, hides every card of another task.
        var (filtered, _) = Render(chromium!, new Uri(Report).AbsoluteUri + "#task=vqa");
        int vqa = Regex.Matches(filtered, "data-task=\"vqa\"").Count;
        Assert.InRange(vqa, 1, cards - 1); // the fixture evaluates a grounding example and a VQA example
        Assert.Contains($"{vqa} of {cards} shown", filtered, StringComparison.Ordinal);
        Assert.Equal(cards - vqa, Regex.Matches(filtered, "<article [^>]*data-task=\"(?!vqa)[^\"]*\"[^>]*hidden").Count);
    }

    private (string Dom, string Console) Render(string chromium, string url)
    {
        string profile = Directory.CreateTempSubdirectory("vlmforge-chromium-").FullName;
        try
        {
            var start = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
                         $"--user-data-dir={profile}", "--virtual-time-budget=3000", "--dump-dom", url })
                start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string dom = process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "chromium did not finish in 2 minutes");
            string console = stderr.Result;
            log.WriteLine(string.Join('\n', console.Split('\n').Where(l => l.Contains("CONSOLE", StringComparison.Ordinal) || l.Contains("Uncaught", StringComparison.Ordinal))));
            return (dom, console);
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
