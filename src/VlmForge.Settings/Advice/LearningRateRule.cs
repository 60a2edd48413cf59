using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Advice;

/// <summary>
/// The page's starting learning rates by model size and training mode: small 1e-4 (LoRA) / 5e-5 (full), medium
/// 1e-4 / 3e-5, large 5e-5 / 1e-5. Warns when the rate is more than 3x away from that value (the page adjusts by
/// 2-3x when tuning, so 2x is still a normal step); the tiny model trains from scratch and has no table entry.
/// </summary>
public sealed class LearningRateRule : IAdviceRule
{
    /// <summary>How far (as a factor) from the table a rate may be before the rule warns.</summary>
    public const double Tolerance = 3.0;

    /// <inheritdoc />
    public string Name => "learning-rate";

    /// <inheritdoc />
    public string Code => "VLMA0001";

    /// <summary>The page's recommended starting rate, or null for the tiny model.</summary>
    public static double? Recommended(ModelSize size, TrainingMode mode) => (size, mode) switch
    {
        (ModelSize.Small, TrainingMode.Lora) => 1e-4,
        (ModelSize.Small, TrainingMode.Full) => 5e-5,
        (ModelSize.Medium, TrainingMode.Lora) => 1e-4,
        (ModelSize.Medium, TrainingMode.Full) => 3e-5,
        (ModelSize.Large, TrainingMode.Lora) => 5e-5,
        (ModelSize.Large, TrainingMode.Full) => 1e-5,
        _ => null,
    };

    /// <inheritdoc />
    public void Check(AdviceContext context, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(context);
        var model = context.Settings.Model;
        if (Recommended(model.Size, model.TrainingMode) is not { } recommended) return;
        var rate = context.Settings.Training.LearningRate;
        var ratio = rate / recommended;
        var what = $"a {model.Size.ToTomlName()} model with {(model.TrainingMode == TrainingMode.Lora ? "LoRA training" : "full fine-tuning")}";
        if (ratio > Tolerance)
        {
            context.Warn(diagnostics, this, "training.learning_rate",
                $"{TomlFormat.Number(rate)} is {TomlFormat.Number(Math.Round(ratio, 1))}x the recommended starting value {TomlFormat.Number(recommended)} for {what}. " +
                "Too high a rate makes training unstable: the loss spikes or becomes NaN. Reduce it 2-5x, or start from the recommended value.");
        }
        else if (ratio < 1 / Tolerance)
        {
            context.Warn(diagnostics, this, "training.learning_rate",
                $"{TomlFormat.Number(rate)} is {TomlFormat.Number(Math.Round(1 / ratio, 1))}x below the recommended starting value {TomlFormat.Number(recommended)} for {what}. " +
                "Too low a rate learns slowly or gets stuck at a high loss. Raise it 2-3x, or start from the recommended value.");
        }
    }
}
