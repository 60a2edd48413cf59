using VlmForge.Engine.Reporting;
using VlmForge.Engine.Runs;

namespace VlmForge.Engine.Tests.Runs;

public sealed class RunOutputTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vlmforge-runs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Automatic_names_follow_the_page_convention_and_never_reuse_a_folder()
    {
        Assert.Equal("grounding-medium-lora-nf4-v1", RunFolder.AutomaticName(_root, "grounding", "medium", "lora", "nf4"));
        RunFolder.CreateNew(_root, "grounding-medium-lora-nf4-v1");
        RunFolder.CreateNew(_root, "grounding-medium-lora-nf4-v3");
        Assert.Equal("grounding-medium-lora-nf4-v4", RunFolder.AutomaticName(_root, "grounding", "medium", "lora", "nf4"));
        Assert.Equal("vqa-tiny-full-v1", RunFolder.AutomaticName(_root, "vqa", "tiny", "full", "none"));
    }

    [Fact]
    public void Creating_an_existing_run_fails_and_says_how_to_resume()
    {
        RunFolder.CreateNew(_root, "a");
        var e = Assert.Throws<IOException>(() => RunFolder.CreateNew(_root, "a"));
        Assert.Contains("--resume", e.Message);
    }

    [Fact]
    public void Metrics_lines_round_trip_and_resume_drops_lines_after_the_checkpoint()
    {
        var path = Path.Combine(_root, "metrics.jsonl");
        using (var log = JsonLinesLog<StepMetrics>.Open(path))
        {
            for (int step = 1; step <= 5; step++)
                log.Append(new StepMetrics(step, 1, 1.0 / step, 1e-4, step % 2 == 0 ? 0.5 : null, step % 2 == 0, false, 10, 1, 1, 1));
        }
        var text = File.ReadAllText(path);
        Assert.Contains("\"learning_rate\":0.0001", text);
        Assert.Contains("\"loss\":0.3333333333333333", text);

        using (JsonLinesLog<StepMetrics>.Open(path, keepWhile: m => m.Step <= 3)) { }
        var kept = JsonLinesLog<StepMetrics>.ReadAll(path);
        Assert.Equal([1L, 2L, 3L], kept.Select(m => m.Step));
        Assert.Equal(0.5, kept[1].GradNorm);
        Assert.Null(kept[0].GradNorm);
    }

    [Fact]
    public void Loss_plot_is_a_png_with_both_curves()
    {
        var steps = Enumerable.Range(1, 200).Select(i => new StepMetrics(i, 1, 3.0 / Math.Sqrt(i), 1e-4, null, true, false, 10, 1, 1, 1)).ToList();
        var validation = new[] { new ValidationRecord(100, 1, 0.4, new Dictionary<string, double>()), new ValidationRecord(200, 2, 0.3, new Dictionary<string, double>()) };
        var path = Path.Combine(_root, "loss.png");

        LossPlot.Save(path, steps, validation);

        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        Assert.True(bytes.Length > 5000, $"a plot with two curves should not be a blank image ({bytes.Length} bytes)");
    }

    [Fact]
    public void Moving_average_uses_a_trailing_window()
    {
        Assert.Equal([1.0, 1.5, 2.5, 3.5], LossPlot.Smooth([1, 2, 3, 4], 2));
    }
}
