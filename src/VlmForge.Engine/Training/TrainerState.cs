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
internal sealed record ValidationResult(double Loss, IReadOnlyDictionary<string, double> Metrics)
{
    /// <summary>Looks up a metric by name; <c>val_loss</c> is the loss.</summary>
    public double Get(string metric) =>
        metric == "val_loss" ? Loss
        : Metrics.TryGetValue(metric, out var value) ? value
        : throw new KeyNotFoundException($"Validation reported no metric '{metric}'. It reported: val_loss, {string.Join(", ", Metrics.Keys)}.");
}

/// <summary>Runs validation for the trainer (loss on the validation split, and generation metrics where configured).</summary>
internal interface IValidator
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
/// <remarks>The step plan and the last validation are the engine's (internal) types; a host reads the rest.</remarks>
public sealed record TrainingSummary
{
    internal TrainingSummary(TrainingOutcome outcome, TrainerState state, TrainingPlan plan, ValidationResult? lastValidation, TimeSpan elapsed, string? message)
    {
        (Outcome, State, Plan, LastValidation, Elapsed, Message) = (outcome, state, plan, lastValidation, elapsed, message);
    }

    /// <summary>Why training ended.</summary>
    public TrainingOutcome Outcome { get; init; }

    /// <summary>The step, update and loss counters at the end (what a checkpoint resumes from).</summary>
    public TrainerState State { get; init; }

    /// <summary>The steps, updates and epochs the run planned.</summary>
    internal TrainingPlan Plan { get; init; }

    /// <summary>The last validation's loss and metrics, or null when none ran.</summary>
    internal ValidationResult? LastValidation { get; init; }

    /// <summary>Wall time of the run.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>A line for the user about how training ended (why it stopped early), or null.</summary>
    public string? Message { get; init; }
}
