using System.Globalization;
using System.Text.Json;
using VlmForge.Cli;
using Xunit.Abstractions;

namespace VlmForge.Cli.Tests;

/// <summary>
/// The repository's default workflow, shortened (fewer images and steps), run through the CLI as a user runs it:
/// the data is rendered because it is missing, the tiny model trains (from the committed base, and from scratch), the
/// held-out split is evaluated and diagnosed.
/// </summary>
public sealed class DefaultWorkflowEndToEndTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vlmforge-e2e-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// The default workflow as shipped: the committed base fine-tuned on images rendered with a seed neither it nor the
    /// default's data used. A few dozen steps keep what the base knows and must give answers that need the image.
    /// </summary>
    [Fact]
    public void The_shortened_default_workflow_fine_tunes_the_committed_base_into_a_model_that_sees()
    {
        var toml = Repository.DefaultWorkflow(Path.Combine(_dir, "data"));
        toml = TomlEdit.Set(toml, "synthetic_seed", "31");
        toml = TomlEdit.Set(toml, "synthetic_count", "320");
        toml = TomlEdit.Set(toml, "max_steps", "30");
        var (values, accuracy, priors, gap) = TrainAndDiagnose(toml, maxExamples: 0);

        // Measured when this test was written: F1 0.970, VQA 0.937 against answer priors 0.339, 24/24 below; the full
        // default workflow reaches F1 1.000 and VQA 0.96 on 200 held-out examples.
        Assert.True(values.GetProperty("grounding_f1").GetDouble() >= 0.8, $"grounding F1@0.5 {values.GetProperty("grounding_f1").GetDouble():F3} should be at least 0.8");
        Assert.True(values.GetProperty("json_validity").GetDouble() >= 0.9);
        Assert.True(accuracy >= priors + 0.45, $"VQA accuracy {accuracy:F3} should beat the answer priors ({priors:F3}) by 0.45");
        Assert.True(gap >= 0.3, $"VQA answers should depend on the image: swapped-image gap {gap:F3} nats per answer token");

        // "What color is the star?" with two or three shapes in view needs a lookup by kind, which the decoder never
        // learned before the detector's text links (about 10 of 22 right, the colour of another shape; then 35/35).
        var (right, asked) = NamedShapeColours(Path.Combine(_dir, "runs", "e2e", "eval", "predictions.jsonl"), Path.Combine(_dir, "data", "validation.jsonl"));
        log.WriteLine($"colour of a named shape among 2-3 shapes: {right}/{asked}");
        Assert.True(asked >= 10, $"only {asked} colour questions about scenes of 2-3 shapes were evaluated");
        Assert.True(right >= 0.75 * asked, $"colour of a named shape among 2-3 shapes: {right}/{asked} right (chance is about 0.4)");
    }

    /// <summary>The "What color is the &lt;shape&gt;?" answers about images of two or more shapes: right and asked.</summary>
    private static (int Right, int Asked) NamedShapeColours(string predictionsJsonl, string validationJsonl)
    {
        var shapesPerImage = File.ReadLines(validationJsonl)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToDictionary(r => r.GetProperty("image").GetString()!, r => r.GetProperty("phrase_grounding").GetProperty("groundings").GetArrayLength());
        int right = 0, asked = 0;
        foreach (var line in File.ReadLines(predictionsJsonl))
        {
            var row = JsonDocument.Parse(line).RootElement;
            if (row.GetProperty("task").GetString() != "vqa"
                || !row.GetProperty("prompt").GetString()!.Contains("What color is the", StringComparison.Ordinal)
                || shapesPerImage[row.GetProperty("image").GetString()!] < 2)
            {
                continue;
            }
            asked++;
            right += row.GetProperty("prediction").GetString()!.Trim() == row.GetProperty("reference").GetString()!.Trim() ? 1 : 0;
        }
        return (right, asked);
    }

    /// <summary>The same workflow from random weights (no model.path): the recipe itself learns to read images.</summary>
    [Fact]
    public void The_shortened_workflow_from_random_weights_trains_evaluates_and_beats_chance()
    {
        var toml = Repository.DefaultWorkflow(Path.Combine(_dir, "data"));
        toml = TomlEdit.Remove(toml, "model", "path");
        toml = TomlEdit.Set(toml, "vision_warmup_steps", "1000");
        toml = TomlEdit.Set(toml, "learning_rate", "0.0007");
        toml = TomlEdit.Set(toml, "warmup_steps", "50");
        toml = TomlEdit.Set(toml, "synthetic_count", "160");
        toml = TomlEdit.Set(toml, "max_steps", "140");
        var (values, accuracy, priors, gap) = TrainAndDiagnose(toml);

        // Free generation (constrain_json is off): random tokens are valid grounding JSON with probability ~0.
        // Not asserted: at this budget the detector-reading model has not yet learned to close the grounding JSON (measured
        // 0.000 here, 1.000 in the full default workflow); answers and image use are what this shortened run proves.
        log.WriteLine($"JSON validity {values.GetProperty("json_validity").GetDouble():F3}");
        // Chance for VQA: one of the dataset's distinct answers picked uniformly.
        double chance = 1.0 / DistinctAnswers(Path.Combine(_dir, "data", "train.jsonl"));
        Assert.True(accuracy >= 2.5 * chance, $"VQA accuracy {accuracy:F3} should be at least 2.5x chance ({chance:F3})");
        Assert.True(gap >= 0.05, $"VQA answers should depend on the image: swapped-image gap {gap:F3} nats per answer token (measured 0.128)");
        // ... and it answers held-out questions far better than the best guess from the question alone.
        Assert.True(accuracy >= priors + 0.15, $"VQA accuracy {accuracy:F3} should beat the answer priors ({priors:F3}) by 0.15");
    }

    /// <summary>
    /// Trains <paramref name="toml"/> (shortened further: <paramref name="maxExamples"/> evaluated, 0 = all, no mid-run validation) through the CLI,
    /// checks the run folder, and diagnoses image use: the held-out metrics, VQA accuracy, the answer priors' accuracy
    /// and the VQA swapped-image gap. The verdict must be that the model uses the images.
    /// </summary>
    private (JsonElement Metrics, double VqaAccuracy, double Priors, double VqaGap) TrainAndDiagnose(string toml, int maxExamples = 48)
    {
        var config = Path.Combine(_dir, "vlmforge.toml");
        File.WriteAllText(config, TomlEdit.Set(Shortened(toml), "max_examples", maxExamples.ToString(CultureInfo.InvariantCulture)));
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = CliApp.Run(["train", "--config", config], output, error);

        Assert.True(exit == 0, $"train exited with {exit}: {error}\n{output}");
        var text = output.ToString();
        Assert.Contains("generating the shapes dataset", text, StringComparison.Ordinal);
        Assert.Contains("vqa", text, StringComparison.Ordinal);
        var run = Path.Combine(_dir, "runs", "e2e");
        foreach (var file in new[] { "config.toml", "metrics.jsonl", "loss.png", "summary.json", "eval/predictions.jsonl" })
            Assert.True(File.Exists(Path.Combine(run, file)), $"{file} should be in the run folder");

        var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "eval", "metrics.json"))).RootElement;
        var values = metrics.GetProperty("metrics");
        log.WriteLine(values.ToString());
        Assert.True(metrics.GetProperty("val_loss").GetDouble() < 2.0);
        double accuracy = values.GetProperty("vqa_accuracy").GetDouble();

        // The model reads its images: answers get worse when each example sees another record's image ...
        var diagnosis = new StringWriter();
        exit = CliApp.Run(["diagnose", run, "--max-examples", "48"], diagnosis, error);
        Assert.True(exit == 0, $"diagnose exited with {exit}: {error}\n{diagnosis}");
        double priors = PriorAccuracy(Path.Combine(_dir, "data", "train.jsonl"), Path.Combine(_dir, "data", "validation.jsonl"));
        log.WriteLine($"VQA accuracy {accuracy:F3}, answer priors {priors:F3}");
        log.WriteLine(diagnosis.ToString());
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "diagnosis.json")));
        var vqa = report.RootElement.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("task").GetString() == "vqa");
        Assert.StartsWith("uses the images", report.RootElement.GetProperty("verdict").GetString(), StringComparison.Ordinal);
        return (values, accuracy, priors, vqa.GetProperty("gap").GetDouble());
    }

    /// <summary>
    /// Accuracy on the held-out questions of answering each question with its most frequent training answer (the best a
    /// model that ignores the image can do).
    /// </summary>
    private static double PriorAccuracy(string trainJsonl, string validationJsonl)
    {
        static IEnumerable<(string Question, string Answer)> Pairs(string file) =>
            File.ReadLines(file).SelectMany(line => JsonDocument.Parse(line).RootElement.TryGetProperty("qa", out var qa)
                ? qa.EnumerateArray().Select(p => (p.GetProperty("question").GetString()!, p.GetProperty("answer").GetString()!)).ToList()
                : []);
        var best = Pairs(trainJsonl).GroupBy(p => p.Question)
            .ToDictionary(g => g.Key, g => g.GroupBy(p => p.Answer).OrderByDescending(a => a.Count()).ThenBy(a => a.Key, StringComparer.Ordinal).First().Key);
        var held = Pairs(validationJsonl).ToList();
        return held.Count(p => best.TryGetValue(p.Question, out var guess) && guess == p.Answer) / (double)held.Count;
    }

    /// <summary>No mid-run validation, the run written to this test's folder.</summary>
    private string Shortened(string toml)
    {
        toml = TomlEdit.Set(toml, "eval_interval", "1000");
        toml = TomlEdit.Set(toml, "name", "\"e2e\"");
        toml = TomlEdit.Set(toml, "output", TomlEdit.Quoted(Path.Combine(_dir, "runs")));
        return toml;
    }

    private static int DistinctAnswers(string trainJsonl) =>
        File.ReadLines(trainJsonl)
            .SelectMany(line => JsonDocument.Parse(line).RootElement.TryGetProperty("qa", out var qa) ? qa.EnumerateArray().ToList() : [])
            .Select(pair => pair.GetProperty("answer").GetString()!.ToLower(CultureInfo.InvariantCulture))
            .Distinct()
            .Count();
}
