using System.Globalization;
using System.Text.Json;
using VlmForge.Cli;
using Xunit.Abstractions;

namespace VlmForge.Cli.Tests;

/// <summary>
/// The repository's default workflow, shortened (fewer images and steps), run through the CLI as a user runs it:
/// the data is rendered because it is missing, the tiny model trains, the held-out split is evaluated.
/// </summary>
public sealed class DefaultWorkflowEndToEndTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vlmforge-e2e-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_shortened_default_workflow_trains_evaluates_and_beats_chance()
    {
        var config = Path.Combine(_dir, "vlmforge.toml");
        File.WriteAllText(config, Shortened(File.ReadAllText(Path.Combine(Repository.Root(), "vlmforge.toml"))));
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

        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "eval", "metrics.json")));
        var values = metrics.RootElement.GetProperty("metrics");
        log.WriteLine(values.ToString());
        // Free generation (constrain_json is off): random tokens are valid grounding JSON with probability ~0.
        Assert.True(values.GetProperty("json_validity").GetDouble() >= 0.9, $"JSON validity {values.GetProperty("json_validity")}");
        // Chance for VQA: one of the dataset's distinct answers picked uniformly.
        double chance = 1.0 / DistinctAnswers(Path.Combine(_dir, "data", "train.jsonl"));
        double accuracy = values.GetProperty("vqa_accuracy").GetDouble();
        Assert.True(accuracy >= 2.5 * chance, $"VQA accuracy {accuracy:F3} should be at least 2.5x chance ({chance:F3})");
        Assert.True(metrics.RootElement.GetProperty("val_loss").GetDouble() < 2.0);
    }

    /// <summary>The default workflow with a small dataset, a few steps and a limited evaluation, written to this test's folder.</summary>
    private string Shortened(string toml)
    {
        toml = TomlEdit.Set(toml, "path", TomlEdit.Quoted(Path.Combine(_dir, "data")));
        toml = TomlEdit.Set(toml, "synthetic_count", "160");
        toml = TomlEdit.Set(toml, "max_steps", "140");
        toml = TomlEdit.Set(toml, "eval_interval", "1000");
        toml = TomlEdit.Set(toml, "max_examples", "48");
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
