using System.Globalization;

namespace VlmForge.Engine.Training;

/// <summary>
/// How many steps and optimizer updates a run makes, from the page's definitions: a step processes one batch;
/// steps per epoch = ceil(examples / batch size); an update happens every <c>gradient_accumulation</c> steps,
/// and at the end of each epoch for a partial group, so every example of an epoch contributes before it ends.
/// </summary>
internal sealed record TrainingPlan
{
    public TrainingPlan(int examples, int batchSize, int gradientAccumulation, int epochs, long maxSteps = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(examples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(gradientAccumulation);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        ArgumentOutOfRangeException.ThrowIfNegative(maxSteps);
        Examples = examples;
        BatchSize = batchSize;
        GradientAccumulation = gradientAccumulation;
        Epochs = epochs;
        MaxSteps = maxSteps;
    }

    public int Examples { get; }
    public int BatchSize { get; }
    public int GradientAccumulation { get; }
    public int Epochs { get; }

    /// <summary>Stop after this many steps (0 = run every epoch).</summary>
    public long MaxSteps { get; }

    /// <summary>Batch size x gradient accumulation: the examples behind one update.</summary>
    public int EffectiveBatchSize => BatchSize * GradientAccumulation;

    /// <summary>ceil(examples / batch size).</summary>
    public int StepsPerEpoch => (Examples + BatchSize - 1) / BatchSize;

    /// <summary>ceil(steps per epoch / accumulation): a partial group at the end of an epoch still updates.</summary>
    public int UpdatesPerEpoch => (StepsPerEpoch + GradientAccumulation - 1) / GradientAccumulation;

    /// <summary>Steps the run will take, honouring <see cref="MaxSteps"/>.</summary>
    public long TotalSteps => MaxSteps > 0 ? Math.Min(MaxSteps, (long)StepsPerEpoch * Epochs) : (long)StepsPerEpoch * Epochs;

    /// <summary>Updates the run will make (the learning-rate schedule spans these).</summary>
    public long TotalUpdates
    {
        get
        {
            long fullEpochs = TotalSteps / StepsPerEpoch;
            long leftoverSteps = TotalSteps % StepsPerEpoch;
            return fullEpochs * UpdatesPerEpoch + (leftoverSteps + GradientAccumulation - 1) / GradientAccumulation;
        }
    }

    /// <summary>
    /// The steps that make exactly <paramref name="updates"/> optimizer updates (training.max_steps counts updates, as
    /// Hugging Face's max_steps does): whole epochs of <see cref="UpdatesPerEpoch"/> updates, then whole accumulation
    /// groups.
    /// </summary>
    public static long StepsForUpdates(int examples, int batchSize, int gradientAccumulation, long updates)
    {
        var epoch = new TrainingPlan(examples, batchSize, gradientAccumulation, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(updates);
        return updates / epoch.UpdatesPerEpoch * epoch.StepsPerEpoch + updates % epoch.UpdatesPerEpoch * gradientAccumulation;
    }

    /// <summary>
    /// How the run's steps add up, as train's plan line and `vlmforge plan` say it: "8 steps/epoch x 100 epochs = 800
    /// steps", and when max_steps ends the run earlier, ", capped by max_steps = 2: 2 steps" (with accumulation,
    /// "max_steps = 2 updates (x accumulation 4): 8 steps").
    /// </summary>
    public static string DescribeSteps(long stepsPerEpoch, int epochs, long totalSteps, long maxUpdates, int gradientAccumulation)
    {
        long all = stepsPerEpoch * epochs;
        var text = string.Create(CultureInfo.InvariantCulture, $"{stepsPerEpoch} steps/epoch x {epochs} epochs = {all} steps");
        if (totalSteps >= all) return text;
        var cap = gradientAccumulation > 1
            ? string.Create(CultureInfo.InvariantCulture, $"{maxUpdates} updates (x accumulation {gradientAccumulation})")
            : maxUpdates.ToString(CultureInfo.InvariantCulture);
        return text + string.Create(CultureInfo.InvariantCulture, $", capped by max_steps = {cap}: {totalSteps} steps");
    }

    /// <summary>Where step <paramref name="step"/> (0-based, over the whole run) falls.</summary>
    public StepPosition Locate(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        int epoch = (int)(step / StepsPerEpoch);
        int stepInEpoch = (int)(step % StepsPerEpoch);
        int group = stepInEpoch / GradientAccumulation;
        int groupStart = group * GradientAccumulation;
        // Steps of this epoch that actually run: max_steps can end the last epoch early.
        int stepsThisEpoch = (int)Math.Min(StepsPerEpoch, TotalSteps - (long)epoch * StepsPerEpoch);
        int groupSize = Math.Min(GradientAccumulation, stepsThisEpoch - groupStart);
        bool updatesAfter = stepInEpoch - groupStart == groupSize - 1;
        long update = (long)epoch * UpdatesPerEpoch + group;
        return new StepPosition(epoch, stepInEpoch, update, groupSize, updatesAfter);
    }
}

/// <summary>Where one step falls in the run.</summary>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="StepInEpoch">0-based step within the epoch (batch index).</param>
/// <param name="Update">0-based index of the optimizer update this step contributes to.</param>
/// <param name="AccumulationGroupSize">Steps that contribute to that update: the loss is divided by this.</param>
/// <param name="UpdatesAfter">True when the optimizer steps after this step.</param>
internal readonly record struct StepPosition(int Epoch, int StepInEpoch, long Update, int AccumulationGroupSize, bool UpdatesAfter);
