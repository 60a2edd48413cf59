using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace VlmForge.Tests.Fuzzing;

/// <summary>
/// Seeded fuzzing inside `dotnet test`: each case is built from its own seed (so one case can be replayed alone), run
/// with a watchdog, and sorted into fine, crash (an exception the loader should have turned into a located error),
/// hang (ran past the watchdog), or violation (the case's own check failed, for example an error without a location).
/// <c>VLMFORGE_FUZZ_CASES</c> raises the number of cases (scripts/fuzz.sh runs 10,000); <c>VLMFORGE_FUZZ_REPORT</c>
/// names a folder the report is also written to, with <c>TARGET.last-case.txt</c>, the case that was running when a
/// case killed the process.
/// </summary>
internal static class FuzzHarness
{
    public const string Trait = "Fuzz";

    /// <summary>The number of cases: <paramref name="inTests"/>, or VLMFORGE_FUZZ_CASES when it is set.</summary>
    public static int Cases(int inTests) =>
        int.TryParse(Environment.GetEnvironmentVariable("VLMFORGE_FUZZ_CASES"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : inTests;

    /// <param name="target">What is fuzzed, for the report.</param>
    /// <param name="cases">How many cases.</param>
    /// <param name="seed">Base seed; case i uses seed + i.</param>
    /// <param name="generate">Builds case i from its random source: a description and the body, which returns null when
    /// the outcome is right and otherwise what is wrong.</param>
    /// <param name="hangAfter">A case running longer than this is a hang.</param>
    public static FuzzReport Run(string target, int cases, int seed, Func<Random, FuzzCase> generate, TimeSpan? hangAfter = null)
    {
        var watchdog = hangAfter ?? TimeSpan.FromSeconds(10);
        var report = new FuzzReport(target, cases, seed);
        var total = Stopwatch.StartNew();
        using var trace = Environment.GetEnvironmentVariable("VLMFORGE_FUZZ_REPORT") is { Length: > 0 } folder
            ? new StreamWriter(Path.Combine(Directory.CreateDirectory(folder).FullName, target + ".last-case.txt"))
            : null;
        for (int i = 0; i < cases; i++)
        {
            var random = new Random(seed + i);
            FuzzCase fuzzCase;
            try
            {
                fuzzCase = generate(random);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"the fuzzer's generator failed on case {i}", e);
            }

            var label = $"case {i} (seed {seed + i}): {fuzzCase.Description}";
            // A case that kills the process (a native crash, a stack overflow) leaves its name behind.
            trace?.WriteLine(label);
            trace?.Flush();
            var clock = Stopwatch.StartNew();
            var task = Task.Factory.StartNew(fuzzCase.Body, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            bool finished = ((IAsyncResult)task).AsyncWaitHandle.WaitOne(watchdog) || task.IsCompleted;
            clock.Stop();
            if (!finished)
            {
                report.Hangs.Add($"{label}: still running after {watchdog.TotalSeconds:F0} s");
                continue;   // the stuck thread is abandoned; the process ends without it
            }
            if (clock.Elapsed > report.SlowestTime)
            {
                report.SlowestTime = clock.Elapsed;
                report.Slowest = label;
            }
            if (task.IsFaulted)
            {
                var error = task.Exception!.InnerException!;
                report.Crashes.Add($"{label}: {error.GetType().FullName}: {First(error.Message)}");
            }
            else if (task.Result is { } violation)
            {
                report.Violations.Add($"{label}: {violation}");
            }
        }
        report.Elapsed = total.Elapsed;
        report.Save();
        return report;
    }

    private static string First(string text)
    {
        var line = text.Split('\n')[0];
        return line.Length <= 300 ? line : line[..300] + "...";
    }
}

/// <summary>One generated input: what it is, in words, and the check to run on it.</summary>
internal sealed record FuzzCase(string Description, Func<string?> Body);

/// <summary>What a fuzz run found.</summary>
internal sealed class FuzzReport(string target, int cases, int seed)
{
    public string Target { get; } = target;
    public int Cases { get; } = cases;
    public int Seed { get; } = seed;
    public List<string> Crashes { get; } = [];
    public List<string> Hangs { get; } = [];
    public List<string> Violations { get; } = [];
    public TimeSpan SlowestTime { get; set; }
    public string Slowest { get; set; } = "";
    public TimeSpan Elapsed { get; set; }

    public bool Clean => Crashes.Count == 0 && Hangs.Count == 0 && Violations.Count == 0;

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"{Target}: {Cases} cases (seed {Seed}) in {Elapsed.TotalSeconds:F1} s: {Crashes.Count} crashes, {Hangs.Count} hangs, {Violations.Count} violations; ");
        text.Append(CultureInfo.InvariantCulture, $"slowest {SlowestTime.TotalMilliseconds:F0} ms: {Slowest}\n");
        foreach (var (kind, list) in new[] { ("crash", Crashes), ("hang", Hangs), ("violation", Violations) })
        {
            foreach (var item in list.Take(20)) text.Append(CultureInfo.InvariantCulture, $"  {kind}: {item}\n");
            if (list.Count > 20) text.Append(CultureInfo.InvariantCulture, $"  ... and {list.Count - 20} more {kind}es\n");
        }
        return text.ToString();
    }

    public void Save()
    {
        if (Environment.GetEnvironmentVariable("VLMFORGE_FUZZ_REPORT") is not { Length: > 0 } folder) return;
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, Target + ".txt"), ToString());
    }
}

/// <summary>Random pieces the fuzzers share.</summary>
internal static class FuzzText
{
    /// <summary>Characters that break parsers: NUL, controls, quotes, brackets, separators, a BOM, a lone surrogate, non-ASCII.</summary>
    public static readonly string[] Nasty =
    [
        "\0", "\u0001", "\u001f", "\u007f", "\r", "\n", "\t", "\"", "'", "\\", "[", "]", "{", "}", "=", ".", ",", "#",
        "\uFEFF", "\uD800", "\uFFFF", "é", "漢", "🙂", "\u202E", "%", "$", "/", "..", "~",
    ];

    public static string Pick(Random random, IReadOnlyList<string> items) => items[random.Next(items.Count)];

    /// <summary>Inserts, deletes, repeats or replaces a random stretch of <paramref name="text"/>.</summary>
    public static string Mutate(Random random, string text)
    {
        if (text.Length == 0) return Pick(random, Nasty);
        int at = random.Next(text.Length);
        int length = Math.Min(text.Length - at, 1 + random.Next(16));
        return random.Next(5) switch
        {
            0 => text.Insert(at, Pick(random, Nasty)),
            1 => text.Remove(at, length),
            2 => text.Insert(at, string.Concat(Enumerable.Repeat(text.Substring(at, length), 1 + random.Next(50)))),
            3 => text[..at] + (char)random.Next(0, 0x3000) + text[(at + 1)..],
            _ => text[..at] + text[(at + length)..] + text.Substring(at, length),
        };
    }
}
