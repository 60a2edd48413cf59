using VlmForge.Abstractions.Optimizers;
using VlmForge.Abstractions.Precision;
using VlmForge.Benchmarks.Support;
using VlmForge.Engine.Families.Tiny;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Reporting;
using VlmForge.Engine.Runs;
using VlmForge.Engine.Training;
using VlmForge.Models.Modeling;
using static TorchSharp.torch;

namespace VlmForge.Benchmarks.Training;

/// <summary>
/// The tiny model and its training data built the way <c>vlmforge train</c> builds them (ModelFactory from a [model]
/// section, the workflow's plugins, <see cref="ExampleBatches"/>), plus the engine's <see cref="Trainer"/> over a plan
/// of exactly one step. <see cref="EngineStep"/> is one engine optimizer step; <see cref="Data"/> and
/// <see cref="Model"/> let a hand-written loop train the same model on the same batch.
/// </summary>
internal sealed class TrainingRig : IDisposable
{
    /// <summary>The root vlmforge.toml's batch size (and the examples <see cref="TinyWorkload.TrainingBatch"/> takes).</summary>
    public const int BatchSize = 16;

    /// <summary>The root vlmforge.toml's learning rate (AdamW, at the defaults of [plugins.adamw]: betas 0.9, 0.999, eps 1e-8).</summary>
    public const double LearningRate = 1e-3;

    /// <summary>The root vlmforge.toml's weight decay, what the host hands every optimizer.</summary>
    public static OptimizerHyperparameters Hyperparameters { get; } = new(WeightDecay: 0.01);

    private const long Seed = 42;

    private readonly TinyWorkload _workload;
    private readonly IPrecisionPolicy _precision;
    private readonly Trainer _trainer;
    private readonly JsonLinesLog<StepMetrics> _metrics;
    private readonly JsonLinesLog<ValidationRecord> _validations;
    private readonly ConsoleTrainingProgress _progress = new(TextWriter.Null, interactive: false);

    public TrainingRig(TrainingVariant variant)
    {
        ArgumentNullException.ThrowIfNull(variant);
        Variant = variant;
        _workload = TinyWorkload.Create();
        var plugins = _workload.Plugins;
        var modelOptions = variant.ModelOptions;
        _precision = plugins.Precision(modelOptions.Precision).Create();
        var setup = ModelFactory.Setup(modelOptions, plugins, _precision.ComputeDtype, CPU);
        Model = TinyModel.Create(TinyModel.Config(_workload.Tokenizer, _workload.Config.ImageSize), setup, Seed);
        if (Model.ImageTokenCount != _workload.Config.ImageTokenCount)
        {
            throw new InvalidOperationException(
                $"The engine's tiny model takes {Model.ImageTokenCount} image tokens, the workload's encoder writes {_workload.Config.ImageTokenCount}.");
        }

        // In order, not shuffled: every step trains on the first 16 examples, the batch TinyWorkload.TrainingBatch(16) makes.
        Data = new ExampleBatches(_workload.Train, _workload.Encoder, _workload.Images, _workload.Collator, (ulong)Seed, shuffle: false);
        using (var first = Data.Batch(0, 0, BatchSize))
        {
            if (first.BatchSize != BatchSize)
                throw new InvalidOperationException($"The workload has {first.BatchSize} training examples, fewer than the batch of {BatchSize}.");
        }

        Optimizer = plugins.Optimizer("adamw").Create(Model.TrainableParameters(), Hyperparameters);
        _trainer = new Trainer(new VlmTrainingModel(Model, CPU), Data, Optimizer, _precision,
            new TrainerOptions { Epochs = 1, BatchSize = BatchSize, MaxSteps = 1, LearningRate = LearningRate });
        var logs = Path.Combine(_workload.Folder, "run");
        Directory.CreateDirectory(logs);
        _metrics = JsonLinesLog<StepMetrics>.Open(Path.Combine(logs, "metrics.jsonl"));
        _validations = JsonLinesLog<ValidationRecord>.Open(Path.Combine(logs, "validation.jsonl"));
    }

    public TrainingVariant Variant { get; }

    /// <summary>The model as the engine builds it for <see cref="Variant"/> (fresh weights from seed 42).</summary>
    public IVisionLanguageModel Model { get; }

    /// <summary>The training examples as the engine serves them, in order.</summary>
    public ExampleBatches Data { get; }

    /// <summary>The workflow's optimizer plugin (adamw) over the model's trainable parameters.</summary>
    public IOptimizer Optimizer { get; }

    /// <summary>
    /// One optimizer step of the engine: <see cref="Trainer.Run"/> over a one-step plan (batch 16, no accumulation),
    /// with everything a real step does: the no-GC region, loss-token counting, precision scaling and the
    /// finite-gradient check, the global gradient norm, AdamW from the plugin, zeroing, one metrics.jsonl line and the
    /// progress sink. No validator and no checkpointer: those run at intervals, not every step.
    /// </summary>
    /// <returns>Optimizer updates made (always 1; anything else throws).</returns>
    public long EngineStep()
    {
        var summary = _trainer.Run(_metrics, _validations, _progress);
        if (summary.Outcome != TrainingOutcome.Completed || summary.State.Update != 1 || summary.State.SkippedUpdates != 0)
        {
            throw new InvalidOperationException(
                $"The engine step did not make one update: {summary.Outcome}, {summary.State.Update} updates, {summary.State.SkippedUpdates} skipped. {summary.Message}");
        }
        return summary.State.Update;
    }

    public void Dispose()
    {
        _metrics.Dispose();
        _validations.Dispose();
        Optimizer.Dispose();
        Model.Dispose();
        _workload.Dispose();
    }
}
