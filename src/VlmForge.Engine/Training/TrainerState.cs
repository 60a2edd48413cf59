namespace VlmForge.Engine.Training;

/// <summary>The loop's own counters: with weights, optimizer and RNG state, everything an exact resume needs.</summary>
public sealed record TrainerState
{
    /// <summary>Steps (batches) completed.</summary>
    public long Step { get; init; }

    /// <summary>Optimizer updates completed (skipped ones included: the schedule moves on).</summary>
    public long Update { get; init; }

    public int NonFiniteInARow { get; init; }
    public long SkippedUpdates { get; init; }
    public long NonFiniteSteps { get; init; }
    public double? BestMetric { get; init; }
    public long? BestStep { get; init; }
    public int EvaluationsWithoutImprovement { get; init; }
    public IReadOnlyDictionary<string, double> Precision { get; init; } = new Dictionary<string, double>();
}

/// <summary>Result of one validation pass: its loss and task metrics by name.</summary>
public sealed record ValidationResult(double Loss, IReadOnlyDictionary<string, double> Metrics)
{
    /// <summary>Looks up a metric by name; <c>val_loss</c> is the loss.</summary>
    public double Get(string metric) =>
        metric == "val_loss" ? Loss
        : Metrics.TryGetValue(metric, out var value) ? value
        : throw new KeyNotFoundException($"Validation reported no metric '{metric}'. It reported: val_loss, {string.Join(", ", Metrics.Keys)}.");
}

/// <summary>Runs validation for the trainer (loss on the validation split, and generation metrics where configured).</summary>
public interface IValidator
{
    ValidationResult Validate();
}

/// <summary>Persists and restores checkpoints; the trainer decides when.</summary>
internal interface ICheckpointer
{
    /// <summary>Writes a checkpoint for <paramref name="state"/> atomically; <paramref name="isBest"/> marks it to be kept as the best.</summary>
    void Save(TrainerState state, bool isBest);
}

/// <summary>Why training ended.</summary>
public enum TrainingOutcome
{
    Completed,
    EarlyStopped,
    AbortedNonFinite,

    /// <summary>Stopped on request (Ctrl+C) at an update boundary, with a checkpoint to resume from.</summary>
    Interrupted,
}

/// <summary>What a finished <see cref="Trainer.Run"/> reports.</summary>
public sealed record TrainingSummary(
    TrainingOutcome Outcome,
    TrainerState State,
    TrainingPlan Plan,
    ValidationResult? LastValidation,
    TimeSpan Elapsed,
    string? Message);
