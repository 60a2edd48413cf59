using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Advice;

/// <summary>
/// The page's goal of an effective batch (batch_size x gradient_accumulation) of 8-16 for most VLM training: larger
/// effective batches give more stable gradients and smoother loss curves.
/// </summary>
public sealed class EffectiveBatchRule : IAdviceRule
{
    /// <summary>Smallest recommended effective batch.</summary>
    public const int Minimum = 8;

    /// <summary>Largest recommended effective batch.</summary>
    public const int Maximum = 16;

    /// <inheritdoc />
    public string Name => "effective-batch";

    /// <inheritdoc />
    public string Code => "VLMA0003";

    /// <inheritdoc />
    public void Check(AdviceContext context, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(context);
        var training = context.Settings.Training;
        long effective = (long)training.BatchSize * training.GradientAccumulation;
        if (effective is >= Minimum and <= Maximum) return;
        var key = context.Root.TryGetPath("training.gradient_accumulation", out _) && !context.Root.TryGetPath("training.batch_size", out _)
            ? "training.gradient_accumulation" : "training.batch_size";
        var message = effective < Minimum
            ? $"effective batch {training.BatchSize} x {training.GradientAccumulation} = {effective} is below the recommended 8-16 for most VLM training. " +
              "Raise batch_size if memory allows, otherwise gradient_accumulation (batch 2 x 4 or 4 x 2 gives 8) for more stable gradients."
            : $"effective batch {training.BatchSize} x {training.GradientAccumulation} = {effective} is above the recommended 8-16 for most VLM training. " +
              "Very large batches may reduce generalization and give fewer updates per epoch; lower gradient_accumulation first.";
        context.Warn(diagnostics, this, key, message);
    }
}
