using VlmForge.Cli;
using VlmForge.Engine.Runs;
using VlmForge.Settings;
using VlmForge.Settings.Writing;

namespace VlmForge.Cli.Tests;

public sealed class DataAndCompareCommandsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vlmforge-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Data_synth_writes_the_same_files_for_the_same_seed()
    {
        string a = Path.Combine(_dir, "a"), b = Path.Combine(_dir, "b");
        var output = new StringWriter();
        Assert.Equal(0, CliApp.Run(["data", "synth", "--out", a, "--train", "6", "--validation", "2", "--seed", "9"], output, new StringWriter()));
        Assert.Equal(0, CliApp.Run(["data", "synth", "--out", b, "--train", "6", "--validation", "2", "--seed", "9"], new StringWriter(), new StringWriter()));

        Assert.Contains("wrote 6 training and 2 validation images", output.ToString());
        Assert.Equal(6, File.ReadAllLines(Path.Combine(a, "train.jsonl")).Length);
        Assert.Equal(File.ReadAllBytes(Path.Combine(a, "train.jsonl")), File.ReadAllBytes(Path.Combine(b, "train.jsonl")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(a, "images", "00003.png")), File.ReadAllBytes(Path.Combine(b, "images", "00003.png")));
    }

    [Fact]
    public void Data_synth_bounds_the_shapes_per_image_with_min_and_max_shapes()
    {
        string folder = Path.Combine(_dir, "one");
        Assert.Equal(0, CliApp.Run(["data", "synth", "--out", folder, "--train", "8", "--validation", "0", "--min-shapes", "1", "--max-shapes", "1"],
            new StringWriter(), new StringWriter()));

        // One shape per image: every count question is answered "1" and every grounding has one phrase.
        foreach (var line in File.ReadAllLines(Path.Combine(folder, "train.jsonl")))
        {
            using var record = System.Text.Json.JsonDocument.Parse(line);
            Assert.Equal(1, record.RootElement.GetProperty("phrase_grounding").GetProperty("groundings").GetArrayLength());
            Assert.Equal("1", record.RootElement.GetProperty("qa")[0].GetProperty("answer").GetString());
        }

        var error = new StringWriter();
        Assert.Equal(1, CliApp.Run(["data", "synth", "--out", Path.Combine(_dir, "five"), "--max-shapes", "5"], new StringWriter(), error));
        Assert.Contains("MaxShapes", error.ToString());
    }

    [Fact]
    public void Data_synth_refuses_bad_counts_with_an_error()
    {
        var error = new StringWriter();
        Assert.Equal(1, CliApp.Run(["data", "synth", "--out", Path.Combine(_dir, "c"), "--train", "0"], new StringWriter(), error));
        Assert.Contains("TrainCount", error.ToString());
    }

    [Fact]
    public void Compare_shows_the_settings_that_differ_and_metrics_side_by_side()
    {
        var defaults = WorkflowSettings.Default;
        WriteRun("lr-1e-4", defaults, valLoss: 0.52, f1: 0.61);
        WriteRun("lr-2e-4", defaults with { Training = defaults.Training with { LearningRate = 0.0002 } }, valLoss: 0.48, f1: 0.66);

        var output = new StringWriter();
        int exit = CliApp.Run(["compare", Path.Combine(_dir, "lr-1e-4"), Path.Combine(_dir, "lr-2e-4")], output, new StringWriter());

        Assert.Equal(0, exit);
        var lines = output.ToString().Split(Environment.NewLine);
        Assert.Contains(lines, l => l.Trim() == "training.learning_rate  0.0001   0.0002");
        Assert.DoesNotContain(lines, l => l.Contains("training.epochs"));
        Assert.Contains(lines, l => l.Trim() == "val_loss      0.5200   0.4800");
        Assert.Contains(lines, l => l.Trim() == "grounding_f1  0.6100   0.6600");
    }

    [Fact]
    public void Compare_names_a_folder_that_is_not_a_run()
    {
        var error = new StringWriter();
        Directory.CreateDirectory(Path.Combine(_dir, "empty"));
        Assert.Equal(1, CliApp.Run(["compare", Path.Combine(_dir, "empty"), Path.Combine(_dir, "empty")], new StringWriter(), error));
        Assert.Contains("not a VlmForge run folder", error.ToString());
    }

    private void WriteRun(string name, WorkflowSettings settings, double valLoss, double f1)
    {
        var folder = RunFolder.CreateNew(_dir, name);
        ResolvedConfigWriter.WriteFile(settings with { Run = settings.Run with { Name = name } }, folder.ConfigPath);
        using var log = JsonLinesLog<ValidationRecord>.Open(folder.ValidationPath);
        log.Append(new ValidationRecord(10, 1, valLoss, new Dictionary<string, double> { ["grounding_f1"] = f1 }));
    }
}
