using VlmForge.Settings;
namespace VlmForge.Engine.Training;

/// <summary>The [training] values the loop itself uses (the pipeline fills this from the validated settings).</summary>
internal sealed record TrainerOptions
{
    public required int Epochs { get; init; }
    public required int BatchSize { get; init; }
    public int GradientAccumulation { get; init; } = 1;
    /// <summary>Stop after this many steps (batches); 0 = no limit. <see cref="MaxUpdates"/> wins when set.</summary>
    public long MaxSteps { get; init; }

    /// <summary>Stop after this many optimizer updates (training.max_steps); 0 = no limit.</summary>
    public long MaxUpdates { get; init; }
    public required double LearningRate { get; init; }
    public LrSchedule Schedule { get; init; } = LrSchedule.Constant;
    public long WarmupUpdates { get; init; }

    /// <summary>Updates between validations; 0 = at the end of every epoch.</summary>
    public int EvalIntervalUpdates { get; init; }

    /// <summary>Updates between checkpoints; 0 = at the end of every epoch.</summary>
    public int CheckpointIntervalUpdates { get; init; }

    /// <summary>Abort after this many non-finite steps in a row.</summary>
    public int MaxNonFiniteSteps { get; init; } = 5;

    /// <summary>Null: no early stopping.</summary>
    public EarlyStoppingOptions? EarlyStopping { get; init; }
}

/// <summary>Which validation metric early stopping watches.</summary>
/// <param name="Metric">Name of a metric the validator reports (for example <c>val_loss</c> or <c>grounding_f1</c>).</param>
/// <param name="HigherIsBetter">False for losses.</param>
/// <param name="Patience">Evaluations without improvement before stopping.</param>
/// <param name="MinDelta">Smallest change that counts as an improvement.</param>
internal sealed record EarlyStoppingOptions(string Metric, bool HigherIsBetter, int Patience, double MinDelta);
