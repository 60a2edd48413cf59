using VlmForge.Engine.Checkpoints;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Plugins;
using VlmForge.Engine.Reporting;
using VlmForge.Engine.Runs;
using VlmForge.Engine.Training;
using VlmForge.Settings;

namespace VlmForge.Engine.Tests.Pipeline;

/// <summary>Whole training runs of the tiny model on a small synthetic dataset (seconds each).</summary>
[Collection(TorchGlobalState.Name)]
public sealed class TrainingSessionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vlmforge-session-").FullName;
    private readonly PluginCatalog _plugins = PluginCatalog.Load([]);

    public void Dispose()
    {
        _plugins.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private WorkflowSettings Settings(string name) => SessionRunner.TinySettings(_plugins, _dir, name);

    private TrainingSessionResult Train(WorkflowSettings? settings, string? resume = null, Func<long, bool>? stopAfter = null, bool validate = false) =>
        SessionRunner.Train(_plugins, settings, resume, stopAfter, validate);

    [Fact]
    public void A_run_writes_its_folder_and_the_loss_falls()
    {
        var settings = Settings("basic");
        var result = Train(settings with { Training = settings.Training with { MaxSteps = 16, Epochs = 20 } });
        var run = result.Folder;

        Assert.Equal(TrainingOutcome.Completed, result.Summary.Outcome);
        foreach (var file in new[] { run.ConfigPath, run.MetricsPath, run.LossPlotPath, run.SummaryPath, RunFiles.TrainedWeights(run), RunFiles.ModelConfig(run) })
            Assert.True(File.Exists(file), $"{file} should exist");
        Assert.True(File.Exists(Path.Combine(RunFiles.TokenizerFolder(run), "vocab.txt")));
        var metrics = JsonLinesLog<StepMetrics>.ReadAll(run.MetricsPath);
        Assert.Equal(Enumerable.Range(1, 16).Select(i => (long)i), metrics.Select(m => m.Step));
        Assert.True(metrics.TakeLast(3).Average(m => m.Loss) < metrics.Take(3).Average(m => m.Loss) * 0.9,
            $"loss should fall: {string.Join(", ", metrics.Select(m => m.Loss.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}");
        // Written every 2 updates; checkpoints_kept (default 3) keeps the newest three.
        Assert.Equal([12L, 14L, 16L], CheckpointStore.List(run.CheckpointsPath).Select(c => c.Step));
        Assert.Contains("path = \"" + Path.Combine(_dir, "data").Replace("\\", "\\\\"), File.ReadAllText(run.ConfigPath));
    }

    [Theory]
    [InlineData("nf4", false)]
    [InlineData("nf4", true)]
    [InlineData("fp4", false)]
    public void Lora_over_a_4_bit_base_trains_and_the_loss_falls(string quantization, bool doubleQuantization)
    {
        var settings = Settings("qlora-" + quantization + (doubleQuantization ? "-dq" : ""));
        settings = settings with
        {
            Model = settings.Model with { TrainingMode = VlmForge.Settings.TrainingMode.Lora, Quantization = quantization, DoubleQuantization = doubleQuantization },
            Training = settings.Training with { MaxSteps = 12, Epochs = 20, LearningRate = 0.003 },
        };

        var result = Train(settings);

        Assert.Equal(TrainingOutcome.Completed, result.Summary.Outcome);
        var metrics = JsonLinesLog<StepMetrics>.ReadAll(result.Folder.MetricsPath);
        Assert.All(metrics, m => Assert.True(double.IsFinite(m.Loss)));
        Assert.True(metrics.TakeLast(3).Average(m => m.Loss) < metrics.Take(3).Average(m => m.Loss),
            $"loss should fall: {string.Join(", ", metrics.Select(m => m.Loss.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}");
    }

    [Fact]
    public void Same_config_and_seed_give_identical_metrics()
    {
        var first = JsonLinesLog<StepMetrics>.ReadAll(Train(Settings("same-a")).Folder.MetricsPath);
        var second = JsonLinesLog<StepMetrics>.ReadAll(Train(Settings("same-b")).Folder.MetricsPath);

        Assert.Equal(8, first.Count);
        Assert.Equal(Reproducible(first), Reproducible(second));
    }

    [Fact]
    public void Resuming_after_an_interruption_gives_the_metrics_of_an_uninterrupted_run_bit_for_bit()
    {
        var uninterrupted = JsonLinesLog<StepMetrics>.ReadAll(Train(Settings("whole")).Folder.MetricsPath);

        var stopped = Train(Settings("stopped"), stopAfter: step => step == 3);
        Assert.Equal(TrainingOutcome.Interrupted, stopped.Summary.Outcome);
        Assert.Equal(3, stopped.Summary.State.Step); // every step is an update boundary here (no accumulation)
        var resumed = Train(null, resume: stopped.Folder.Path);

        Assert.Equal(TrainingOutcome.Completed, resumed.Summary.Outcome);
        var metrics = JsonLinesLog<StepMetrics>.ReadAll(resumed.Folder.MetricsPath);
        Assert.Equal(Reproducible(uninterrupted), Reproducible(metrics));
    }

    [Fact]
    public void Validation_runs_during_training_and_the_trained_model_is_evaluated_at_the_end()
    {
        var settings = Settings("evaluated");
        settings = settings with
        {
            Training = settings.Training with { MaxSteps = 4, EvalInterval = 2, EarlyStoppingMetric = EarlyStoppingMetric.ValLoss },
            Evaluation = settings.Evaluation with { MaxNewTokens = 60, DoSample = false, MaxExamples = 12 },
        };
        var result = Train(settings, validate: true);

        var validations = JsonLinesLog<ValidationRecord>.ReadAll(result.Folder.ValidationPath);
        Assert.Equal([2L, 4L], validations.Select(v => v.Step));
        Assert.All(validations, v => Assert.True(double.IsFinite(v.Loss)));
        Assert.NotNull(result.Evaluation);
        Assert.Equal(12, result.Evaluation!.Predictions.Count);
        Assert.True(File.Exists(Path.Combine(result.Folder.EvaluationPath, "metrics.json")));
        Assert.Equal(12, File.ReadAllLines(Path.Combine(result.Folder.EvaluationPath, "predictions.jsonl")).Length);
        Assert.NotNull(result.Summary.State.BestStep);
    }

    [Fact]
    public void A_new_run_never_reuses_an_existing_folder()
    {
        Train(Settings("taken"));
        var e = Assert.Throws<IOException>(() => Train(Settings("taken")));
        Assert.Contains("--resume", e.Message);
    }

    private static IEnumerable<(long, double, double, double?, bool)> Reproducible(IEnumerable<StepMetrics> metrics) =>
        metrics.Select(m => (m.Step, m.Loss, m.LearningRate, m.GradNorm, m.Skipped));
}
