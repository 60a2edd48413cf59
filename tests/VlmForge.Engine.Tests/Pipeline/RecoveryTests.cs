using VlmForge.Data.Datasets;
using VlmForge.Data.Synthetic;
using VlmForge.Engine.Checkpoints;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Plugins;
using VlmForge.Engine.Runs;
using VlmForge.Engine.Training;
using VlmForge.Settings;

namespace VlmForge.Engine.Tests.Pipeline;

/// <summary>
/// What a run survives: a damaged newest checkpoint (power loss, full disk), a kill before the first checkpoint, the
/// temporary folders an interrupted save leaves, and bad records and images in its dataset.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class RecoveryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vlmforge-recovery-").FullName;
    private readonly PluginCatalog _plugins = PluginCatalog.Load([]);

    public void Dispose()
    {
        _plugins.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private WorkflowSettings Settings(string name, string data = "data", string synthetic = "shapes", string onError = "skip") =>
        SessionRunner.TinySettings(_plugins, _dir, name, data, synthetic, onError);

    private TrainingSessionResult Train(WorkflowSettings? settings, string? resume = null, Func<long, bool>? stopAfter = null, TextWriter? log = null) =>
        SessionRunner.Train(_plugins, settings, resume, stopAfter, log: log);

    /// <summary>The metrics of the run uninterrupted, computed once for the tests that compare a recovered run with it.</summary>
    private static readonly Lazy<List<(long, double, double, double?, bool)>> Whole = new(() =>
    {
        var dir = Directory.CreateTempSubdirectory("vlmforge-recovery-whole-").FullName;
        try
        {
            using var plugins = PluginCatalog.Load([]);
            return Metrics(SessionRunner.Train(plugins, SessionRunner.TinySettings(plugins, dir, "whole")).Folder);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    });

    private static List<(long, double, double, double?, bool)> Metrics(RunFolder folder) =>
        JsonLinesLog<StepMetrics>.ReadAll(folder.MetricsPath).Select(m => (m.Step, m.Loss, m.LearningRate, m.GradNorm, m.Skipped)).ToList();

    [Fact]
    public void Every_checkpoint_carries_a_manifest_that_verifies()
    {
        var run = Train(Settings("manifest")).Folder;

        var checkpoints = CheckpointStore.List(run.CheckpointsPath);
        Assert.NotEmpty(checkpoints);
        Assert.All(checkpoints, c =>
        {
            Assert.True(File.Exists(Path.Combine(c.Path, CheckpointManifest.FileName)));
            Assert.Null(CheckpointManifest.Verify(c.Path));
        });
    }

    [Fact]
    public void A_truncated_newest_checkpoint_is_skipped_and_the_run_resumes_bit_identically_from_the_one_before()
    {
        var whole = Whole.Value;
        var stopped = Train(Settings("cut"), stopAfter: step => step == 5);
        var checkpoints = CheckpointStore.List(stopped.Folder.CheckpointsPath);
        var (newest, newestPath) = checkpoints[^1];
        var weights = Path.Combine(newestPath, CheckpointStore.TrainableFile);
        var bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..(bytes.Length / 2)]);   // a power loss before the data reached the disk
        var log = new StringWriter();

        var resumed = Train(null, resume: stopped.Folder.Path, log: log);

        Assert.Equal(TrainingOutcome.Completed, resumed.Summary.Outcome);
        Assert.Equal(whole, Metrics(resumed.Folder));
        var previous = CheckpointStore.FolderName(checkpoints[^2].Step);
        Assert.Contains($"skipping checkpoint {CheckpointStore.FolderName(newest)}: {CheckpointStore.TrainableFile} has {bytes.Length / 2} bytes, its manifest says {bytes.Length}", log.ToString(), StringComparison.Ordinal);
        Assert.Contains($"restoring checkpoint {previous} (manifest verified)", log.ToString(), StringComparison.Ordinal);
        Assert.True(Directory.Exists(newestPath + ".corrupt"));
    }

    [Fact]
    public void Eval_of_a_run_without_model_weights_passes_over_damaged_checkpoints_and_leaves_them_in_place()
    {
        var stopped = Train(Settings("eval-fallback"), stopAfter: step => step == 5);
        File.Delete(RunFiles.TrainedWeights(stopped.Folder));
        var checkpoints = CheckpointStore.List(stopped.Folder.CheckpointsPath);
        foreach (var (_, path) in checkpoints.Skip(1))
            File.WriteAllBytes(Path.Combine(path, CheckpointStore.TrainableFile), [1, 2, 3]);

        using (RunLoader.Open(stopped.Folder.Path, _plugins, log: null))
        {
            Assert.All(checkpoints, c => Assert.True(Directory.Exists(c.Path)));
        }

        File.Delete(Path.Combine(checkpoints[0].Path, CheckpointManifest.FileName));
        var error = Assert.Throws<WorkflowException>(() => RunLoader.Open(stopped.Folder.Path, _plugins, log: null).Dispose());
        Assert.Contains("no intact checkpoint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_without_its_manifest_is_not_trusted()
    {
        var stopped = Train(Settings("no-manifest"), stopAfter: step => step == 5);
        var newest = CheckpointStore.List(stopped.Folder.CheckpointsPath)[^1].Path;
        File.Delete(Path.Combine(newest, CheckpointManifest.FileName));
        var log = new StringWriter();

        Train(null, resume: stopped.Folder.Path, log: log);

        Assert.Contains($"skipping checkpoint {Path.GetFileName(newest)}: it has no manifest.json (its save did not finish)", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_killed_before_its_first_checkpoint_starts_over_with_resume_and_says_so()
    {
        var whole = Whole.Value;
        var stopped = Train(Settings("early"), stopAfter: step => step == 1);
        Directory.Delete(stopped.Folder.CheckpointsPath, recursive: true);   // as if killed before the first save
        var log = new StringWriter();

        var restarted = Train(null, resume: stopped.Folder.Path, log: log);

        Assert.Contains("holds no intact checkpoint to continue from: starting the run over from step 1", log.ToString(), StringComparison.Ordinal);
        Assert.Equal(TrainingOutcome.Completed, restarted.Summary.Outcome);
        Assert.Equal(whole, Metrics(restarted.Folder));
    }

    [Fact]
    public void Temporary_folders_of_interrupted_saves_are_removed_at_resume()
    {
        var stopped = Train(Settings("stale"), stopAfter: step => step == 3);
        var stale = Directory.CreateDirectory(Path.Combine(stopped.Folder.CheckpointsPath, ".tmp-step-0000099")).FullName;
        File.WriteAllBytes(Path.Combine(stale, CheckpointStore.TrainableFile), new byte[1_000_000]);
        var staleFile = Path.Combine(stopped.Folder.Path, ".tmp-summary.json.0123");
        File.WriteAllText(staleFile, "{");
        var log = new StringWriter();

        Train(null, resume: stopped.Folder.Path, log: log);

        Assert.False(Directory.Exists(stale));
        Assert.False(File.Exists(staleFile));
        Assert.Contains($"removed {stale} (1.0 MB), left by a save that did not finish", log.ToString(), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(stopped.Folder.CheckpointsPath, ".tmp-*"));
    }

    /// <summary>A shapes dataset in its own folder, with extra (bad) lines appended to train.jsonl.</summary>
    private string DatasetWith(string name, params string[] extraLines)
    {
        var folder = Path.Combine(_dir, name);
        ShapesDatasetGenerator.Generate(folder, new ShapesDatasetOptions { ImageSize = 32, TrainCount = 20, ValidationCount = 4, Seed = 3 });
        File.WriteAllBytes(Path.Combine(folder, "images", "bomb.png"), VlmForge.Tests.Fuzzing.CraftedPng.HeaderOnly(20_000, 20_000));
        var png = File.ReadAllBytes(Directory.EnumerateFiles(Path.Combine(folder, "images"), "*.png").First(f => !f.EndsWith("bomb.png", StringComparison.Ordinal)));
        File.WriteAllBytes(Path.Combine(folder, "images", "half.png"), png[..(png.Length / 2)]);
        File.AppendAllLines(Path.Combine(folder, "train.jsonl"), extraLines);
        return folder;
    }

    private static string Caption(string image) => $"{{\"image\": \"{image}\", \"caption\": \"A picture.\"}}";

    [Fact]
    public void Under_fail_a_half_png_or_a_pixel_bomb_stops_before_step_1_and_before_the_run_folder_exists()
    {
        foreach (var image in new[] { "images/half.png", "images/bomb.png" })
        {
            var data = DatasetWith("fail-" + Path.GetFileNameWithoutExtension(image), Caption(image));
            var settings = Settings("fail-run", data, synthetic: "none", onError: "fail");

            var error = Assert.Throws<DatasetFormatException>(() => Train(settings));

            Assert.Equal(21, error.Problem.Line);
            Assert.False(Directory.Exists(Path.Combine(_dir, "runs", "fail-run")), "a failed dataset must not leave a run folder behind");
        }
    }

    [Fact]
    public void Under_skip_every_skipped_record_is_listed_on_the_console_and_in_skipped_jsonl()
    {
        var data = DatasetWith("skip", Caption("images/half.png"), Caption("images/bomb.png"), Caption("images/\\u0000x.png"), "{not json");
        var log = new StringWriter();

        var result = Train(Settings("skip-run", data, synthetic: "none"), log: log);

        Assert.Equal(TrainingOutcome.Completed, result.Summary.Outcome);
        var train = Path.Combine(data, "train.jsonl");
        var skipped = File.ReadAllLines(Path.Combine(result.Folder.Path, WorkflowDataset.SkippedFileName))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Select(e => (e.GetProperty("file").GetString(), e.GetProperty("line").GetInt32(), e.GetProperty("reason").GetString()))
            .ToList();
        Assert.Equal([(train, 21, "ImageCorrupt"), (train, 22, "ImageCorrupt"), (train, 23, "InvalidPath"), (train, 24, "InvalidJson")], skipped);
        foreach (var line in new[] { 21, 22, 23, 24 })
            Assert.Contains($"data: skipped {train}:{line}", log.ToString(), StringComparison.Ordinal);
    }
}
