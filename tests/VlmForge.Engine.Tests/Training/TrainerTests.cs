using VlmForge.Engine.Reporting;
using VlmForge.Engine.Runs;
using VlmForge.Engine.Training;
using VlmForge.Settings;

namespace VlmForge.Engine.Tests.Training;

public sealed class TrainerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vlmforge-trainer-").FullName;
    private readonly StringWriter _output = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (TrainingSummary Summary, IReadOnlyList<StepMetrics> Metrics, Sgd Optimizer, RegressionModel Model) Train(
        TrainerOptions options, RegressionModel? model = null, IValidator? validator = null, string name = "run", int examples = 32)
    {
        model ??= new RegressionModel();
        var optimizer = new Sgd(model.TrainableParameters);
        var trainer = new Trainer(model, new RegressionData(examples), optimizer, new Fp32Policy(), options, validator);
        var metricsPath = Path.Combine(_dir, name + ".metrics.jsonl");
        TrainingSummary summary;
        using (var metrics = JsonLinesLog<StepMetrics>.Open(metricsPath))
        using (var validations = JsonLinesLog<ValidationRecord>.Open(Path.Combine(_dir, name + ".validation.jsonl")))
            summary = trainer.Run(metrics, validations, new ConsoleTrainingProgress(_output, interactive: false));
        return (summary, JsonLinesLog<StepMetrics>.ReadAll(metricsPath), optimizer, model);
    }

    [Fact]
    public void Loss_falls_and_every_step_is_logged()
    {
        var (summary, metrics, optimizer, _) = Train(new TrainerOptions { Epochs = 10, BatchSize = 8, LearningRate = 0.1 });

        Assert.Equal(TrainingOutcome.Completed, summary.Outcome);
        Assert.Equal(40, metrics.Count);
        Assert.Equal(40, optimizer.StepCount);
        Assert.True(metrics[^1].Loss < metrics[0].Loss / 20, $"{metrics[0].Loss} -> {metrics[^1].Loss}");
        Assert.All(metrics, m => Assert.NotNull(m.GradNorm));
    }

    [Fact]
    public void Accumulating_two_batches_of_four_updates_like_one_batch_of_eight()
    {
        var big = Train(new TrainerOptions { Epochs = 3, BatchSize = 8, LearningRate = 0.1 }, name: "big");
        var accumulated = Train(new TrainerOptions { Epochs = 3, BatchSize = 4, GradientAccumulation = 2, LearningRate = 0.1 }, name: "acc");

        Assert.Equal(big.Optimizer.StepCount, accumulated.Optimizer.StepCount);
        var a = big.Model.Weight.detach().data<float>().ToArray();
        var b = accumulated.Model.Weight.detach().data<float>().ToArray();
        // Same examples per update (the data order is per epoch), mean loss / 2 per half: equal up to float rounding.
        Assert.Equal(a, b, (x, y) => Math.Abs(x - y) < 1e-5);
        Assert.Equal(2 * big.Metrics.Count, accumulated.Metrics.Count);
        Assert.Equal(accumulated.Metrics.Count / 2, accumulated.Metrics.Count(m => m.Updated));
    }

    [Fact]
    public void The_schedule_sets_each_update_rate()
    {
        var (_, metrics, optimizer, _) = Train(new TrainerOptions
        {
            Epochs = 2, BatchSize = 8, LearningRate = 0.1, Schedule = LrSchedule.Linear, WarmupUpdates = 2,
        });
        Assert.Equal(8, optimizer.Rates.Count);
        Assert.Equal(0.05, optimizer.Rates[0], 12);
        Assert.Equal(0.1, optimizer.Rates[1], 12);
        Assert.Equal(0.1 * (1 - 5.0 / 6), optimizer.Rates[^1], 12);
        Assert.Equal(optimizer.Rates, metrics.Select(m => m.LearningRate));
    }

    [Fact]
    public void A_non_finite_loss_skips_the_update_and_explains_what_to_do()
    {
        var model = new RegressionModel { PoisonAtCall = call => call == 2 };
        var (summary, metrics, optimizer, _) = Train(new TrainerOptions { Epochs = 1, BatchSize = 4, LearningRate = 0.1 }, model);

        Assert.Equal(TrainingOutcome.Completed, summary.Outcome);
        Assert.Equal(7, optimizer.StepCount);
        Assert.True(metrics[2].Skipped);
        Assert.Equal(1, summary.State.NonFiniteSteps);
        Assert.Contains("reduce it 2-5x", _output.ToString());
    }

    [Fact]
    public void Training_aborts_after_the_configured_non_finite_steps_in_a_row()
    {
        var model = new RegressionModel { PoisonAtCall = call => call >= 3 };
        var (summary, metrics, _, _) = Train(new TrainerOptions { Epochs = 5, BatchSize = 4, LearningRate = 0.1, MaxNonFiniteSteps = 3 }, model);

        Assert.Equal(TrainingOutcome.AbortedNonFinite, summary.Outcome);
        Assert.Equal(6, metrics.Count);
        Assert.Contains("Reduce training.learning_rate 2-5x", summary.Message);
    }

    [Fact]
    public void Early_stopping_ends_the_run_when_validation_stops_improving()
    {
        var validator = new ScriptedValidator(2.0, 1.5, 1.6, 1.55, 1.7, 1.0);
        var (summary, metrics, _, _) = Train(new TrainerOptions
        {
            Epochs = 10, BatchSize = 8, LearningRate = 0.1,
            EarlyStopping = new EarlyStoppingOptions("val_loss", HigherIsBetter: false, Patience: 3, MinDelta: 0),
        }, validator: validator);

        Assert.Equal(TrainingOutcome.EarlyStopped, summary.Outcome);
        Assert.Equal(5, validator.Calls);
        Assert.Equal(20, metrics.Count);
        Assert.Equal(1.5, summary.State.BestMetric);
        Assert.Equal(8, summary.State.BestStep);
    }

    [Fact]
    public void Same_data_order_and_seed_give_identical_metrics()
    {
        var first = Train(new TrainerOptions { Epochs = 3, BatchSize = 8, LearningRate = 0.1 }, name: "a");
        var second = Train(new TrainerOptions { Epochs = 3, BatchSize = 8, LearningRate = 0.1 }, name: "b");
        Assert.Equal(first.Metrics.Select(m => (m.Loss, m.GradNorm, m.LearningRate)), second.Metrics.Select(m => (m.Loss, m.GradNorm, m.LearningRate)));
    }
}
