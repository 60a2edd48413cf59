using System.Diagnostics;
using TorchSharp;
using VlmForge.Abstractions.Optimizers;
using VlmForge.Abstractions.Precision;
using VlmForge.Data.Batching;
using VlmForge.Engine.Reporting;
using VlmForge.Engine.Runtime;
using VlmForge.Engine.Runs;
using static System.FormattableString;
using static TorchSharp.torch;

namespace VlmForge.Engine.Training;

/// <summary>
/// The training loop: batches in a fixed order, loss scaled for accumulation and precision, an optimizer update
/// every <c>gradient_accumulation</c> steps at the scheduled rate, non-finite steps caught, validation, early
/// stopping and checkpoints at their intervals, one metrics line per step.
/// </summary>
internal sealed class Trainer
{
    private readonly ITrainableModel _model;
    private readonly ITrainingData _data;
    private readonly IOptimizer _optimizer;
    private readonly IPrecisionPolicy _precision;
    private readonly TrainerOptions _options;
    private readonly IValidator? _validator;
    private readonly ICheckpointer? _checkpointer;

    public Trainer(ITrainableModel model, ITrainingData data, IOptimizer optimizer, IPrecisionPolicy precision,
        TrainerOptions options, IValidator? validator = null, ICheckpointer? checkpointer = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(precision);
        ArgumentNullException.ThrowIfNull(options);
        if (options.EarlyStopping is not null && validator is null)
            throw new ArgumentException("Early stopping needs a validator.", nameof(validator));
        _model = model;
        _data = data;
        _optimizer = optimizer;
        _precision = precision;
        _options = options;
        _validator = validator;
        _checkpointer = checkpointer;
        var maxSteps = options.MaxUpdates > 0
            ? TrainingPlan.StepsForUpdates(data.Count, options.BatchSize, options.GradientAccumulation, options.MaxUpdates)
            : options.MaxSteps;
        Plan = new TrainingPlan(data.Count, options.BatchSize, options.GradientAccumulation, options.Epochs, maxSteps);
        Schedule = new LearningRateSchedule(options.Schedule, options.LearningRate, Plan.TotalUpdates, options.WarmupUpdates);
    }

    public TrainingPlan Plan { get; }
    public LearningRateSchedule Schedule { get; }

    /// <summary>Trains from <paramref name="resumeFrom"/> (or the start) to the end of the plan.</summary>
    public TrainingSummary Run(JsonLinesLog<StepMetrics> metrics, JsonLinesLog<ValidationRecord> validations,
        ITrainingProgress progress, TrainerState? resumeFrom = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(validations);
        ArgumentNullException.ThrowIfNull(progress);

        var state = resumeFrom ?? new TrainerState();
        var parameters = _model.TrainableParameters.Select(p => p.Parameter).ToArray();
        var stopping = _options.EarlyStopping is { } es ? new EarlyStopping(es.HigherIsBetter, es.Patience, es.MinDelta) : null;
        stopping?.Restore(state.BestMetric, state.EvaluationsWithoutImprovement);
        var clock = Stopwatch.StartNew();
        var outcome = TrainingOutcome.Completed;
        string? message = null;
        ValidationResult? lastValidation = null;
        bool groupPoisoned = false;

        _model.SetTraining(true);
        ZeroGradients(parameters);
        progress.Run(Plan.TotalSteps, state.Step, sink =>
        {
            for (long step = state.Step; step < Plan.TotalSteps; step++)
            {
                var position = Plan.Locate(step);
                var stepClock = Stopwatch.StartNew();
                double lossValue;
                double? auxiliaryValue;
                int examples;
                long inputTokens, lossTokens;
                // See NoGcRegion: no collection may start while TorchSharp's operator Scalars are in use.
                using var quiet = NoGcRegion.Enter();
                using (var scope = NewDisposeScope())
                {
                    using var batch = _data.Batch(position.Epoch, position.StepInEpoch, _options.BatchSize);
                    examples = batch.BatchSize;
                    inputTokens = batch.Lengths.Sum();
                    lossTokens = batch.Labels.ne(ConversationEncoder.IgnoreIndex).sum().item<long>();
                    var loss = _model.Loss(batch);
                    lossValue = loss.LanguageModel.item<float>();
                    auxiliaryValue = loss.Auxiliary?.item<float>();
                    if (double.IsFinite(lossValue) && (auxiliaryValue is null || double.IsFinite(auxiliaryValue.Value)))
                        _precision.ScaleLoss(loss.Objective / position.AccumulationGroupSize).backward();
                    else
                        groupPoisoned = true;
                }

                double learningRate = Schedule.At(position.Update);
                double? gradNorm = null;
                bool skipped = false;
                if (position.UpdatesAfter)
                {
                    (gradNorm, skipped, state, message) = Update(parameters, learningRate, groupPoisoned, lossValue, state, sink);
                    groupPoisoned = false;
                    if (state.NonFiniteInARow >= _options.MaxNonFiniteSteps)
                    {
                        outcome = TrainingOutcome.AbortedNonFinite;
                        message = NonFiniteAbortMessage(state);
                    }
                }

                state = state with { Step = step + 1 };
                double seconds = Math.Max(stepClock.Elapsed.TotalSeconds, 1e-9);
                metrics.Append(new StepMetrics(step + 1, position.Epoch + 1, lossValue, learningRate, gradNorm,
                    position.UpdatesAfter, skipped, lossTokens, examples / seconds, inputTokens / seconds,
                    Environment.WorkingSet / (1024.0 * 1024.0), auxiliaryValue));
                sink.Step(step + 1, position.Epoch + 1, Plan.Epochs, lossValue, learningRate);
                if (outcome == TrainingOutcome.AbortedNonFinite) break;

                bool endOfEpoch = position.StepInEpoch == Plan.StepsPerEpoch - 1;
                bool lastStep = step + 1 == Plan.TotalSteps;
                bool isBest = false;
                if (position.UpdatesAfter && _validator is not null && IsDue(_options.EvalIntervalUpdates, state.Update, endOfEpoch, lastStep))
                {
                    lastValidation = Validate(state, position.Epoch + 1, validations, sink);
                    if (stopping is not null)
                    {
                        isBest = stopping.Observe(lastValidation.Get(_options.EarlyStopping!.Metric));
                        state = state with
                        {
                            BestMetric = stopping.Best,
                            BestStep = isBest ? state.Step : state.BestStep,
                            EvaluationsWithoutImprovement = stopping.EvaluationsWithoutImprovement,
                        };
                    }
                }
                bool stopNow = stopping?.ShouldStop == true;
                // An interruption waits for the end of an accumulation group, so the checkpoint holds no half-summed gradients.
                bool interrupted = position.UpdatesAfter && !lastStep && cancellation.IsCancellationRequested;
                if (_checkpointer is not null && position.UpdatesAfter
                    && (isBest || stopNow || interrupted || IsDue(_options.CheckpointIntervalUpdates, state.Update, endOfEpoch, lastStep)))
                {
                    _checkpointer.Save(state with { Precision = _precision.SaveState() }, isBest);
                }
                if (interrupted)
                {
                    outcome = TrainingOutcome.Interrupted;
                    message = $"Interrupted after step {state.Step}; a checkpoint was written. Continue with `vlmforge train --resume <run folder>`.";
                    sink.Message(message);
                    break;
                }
                if (stopNow)
                {
                    outcome = TrainingOutcome.EarlyStopped;
                    message = Invariant(
                        $"Early stopping: {_options.EarlyStopping!.Metric} did not improve by more than {_options.EarlyStopping.MinDelta} for {stopping!.Patience} evaluations (best {stopping.Best:G6} at step {state.BestStep}).");
                    sink.Message(message);
                    break;
                }
            }
        });
        _model.SetTraining(false);
        return new TrainingSummary(outcome, state with { Precision = _precision.SaveState() }, Plan, lastValidation, clock.Elapsed, message);
    }

    private (double? GradNorm, bool Skipped, TrainerState State, string? Message) Update(
        TorchSharp.Modules.Parameter[] parameters, double learningRate, bool lossWasNonFinite, double lossValue,
        TrainerState state, IProgressSink sink)
    {
        string? message = null;
        double? gradNorm = null;
        bool skipped;
        if (lossWasNonFinite)
        {
            skipped = true;
            state = state with { NonFiniteInARow = state.NonFiniteInARow + 1, NonFiniteSteps = state.NonFiniteSteps + 1 };
            message = NonFiniteMessage("loss", lossValue, state);
            sink.Message(message);
        }
        else
        {
            bool scaled = _precision.LossScale != 1.0;
            bool finite = _precision.UnscaleGradients(parameters);
            if (finite)
            {
                gradNorm = GlobalNorm(parameters);
                finite = double.IsFinite(gradNorm.Value);
            }
            if (finite)
            {
                _optimizer.Step(learningRate);
                skipped = false;
                state = state with { NonFiniteInARow = 0 };
            }
            else if (scaled)
            {
                // fp16 overflow: the loss scaler has halved its scale; skipping is its normal way to find a safe one.
                skipped = true;
            }
            else
            {
                skipped = true;
                state = state with { NonFiniteInARow = state.NonFiniteInARow + 1, NonFiniteSteps = state.NonFiniteSteps + 1 };
                message = NonFiniteMessage("gradients", double.NaN, state);
                sink.Message(message);
            }
        }
        if (skipped) state = state with { SkippedUpdates = state.SkippedUpdates + 1 };
        ZeroGradients(parameters);
        return (gradNorm, skipped, state with { Update = state.Update + 1 }, message);
    }

    private ValidationResult Validate(TrainerState state, int epoch, JsonLinesLog<ValidationRecord> validations, IProgressSink sink)
    {
        _model.SetTraining(false);
        ValidationResult result;
        using (torch.no_grad())
            result = _validator!.Validate();
        _model.SetTraining(true);
        validations.Append(new ValidationRecord(state.Step, epoch, result.Loss, result.Metrics));
        var metrics = string.Join(", ", result.Metrics.Select(m => Invariant($"{m.Key} {m.Value:F4}")));
        sink.Message(Invariant(
            $"validation at step {state.Step} (epoch {epoch}): val_loss {result.Loss:F4}{(metrics.Length > 0 ? ", " + metrics : "")}"));
        return result;
    }

    private static bool IsDue(int intervalUpdates, long updatesDone, bool endOfEpoch, bool lastStep) =>
        lastStep || (intervalUpdates > 0 ? updatesDone % intervalUpdates == 0 : endOfEpoch);

    /// <summary>
    /// The L2 norm over every gradient: one fused norm per tensor in its own dtype, combined in float64, and a single
    /// read back to the host (a per-tensor read made the step ~5% slower than a hand-written loop).
    /// </summary>
    private static double GlobalNorm(TorchSharp.Modules.Parameter[] parameters)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var norms = new List<Tensor>(parameters.Length);
        foreach (var p in parameters)
        {
            if (p.grad is { } g)
                norms.Add(linalg.vector_norm(g).to_type(ScalarType.Float64));
        }
        return norms.Count == 0 ? 0 : linalg.vector_norm(stack(norms)).item<double>();
    }

    private static void ZeroGradients(TorchSharp.Modules.Parameter[] parameters)
    {
        foreach (var p in parameters)
            p.grad?.zero_();
    }

    private string NonFiniteMessage(string what, double value, TrainerState state) =>
        Invariant($"step {state.Step + 1}: non-finite {what}{(double.IsNaN(value) ? "" : Invariant($" ({value})"))}; update skipped ") +
        Invariant($"({state.NonFiniteInARow} in a row, abort at {_options.MaxNonFiniteSteps}). If this repeats, the learning rate ") +
        Invariant($"is probably too high: reduce it 2-5x (e.g. {_options.LearningRate:G3} -> {_options.LearningRate / 5:G3}).");

    private string NonFiniteAbortMessage(TrainerState state) =>
        Invariant($"Training stopped at step {state.Step}: {state.NonFiniteInARow} non-finite steps in a row (loss or gradients ") +
        Invariant($"became NaN/inf): the run diverged. Reduce training.learning_rate 2-5x (e.g. {_options.LearningRate:G3} -> ") +
        Invariant($"{_options.LearningRate / 5:G3}), add warmup_steps, or use precision \"bf16\"/\"fp32\" instead of \"fp16\". ") +
        "Resume from the last good checkpoint with a lower rate.";
}
