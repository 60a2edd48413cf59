using System.Globalization;
using VlmForge.Settings;

namespace VlmForge.Benchmarks.Training;

/// <summary>
/// The [model] choices a training benchmark varies, as a workflow spells them (<c>training_mode</c>,
/// <c>quantization</c>, <c>precision</c>); everything else keeps the settings' defaults (LoRA rank 16, alpha 32,
/// dropout 0.05 on the attention projections; no double quantization; no gradient checkpointing).
/// </summary>
public sealed record TrainingVariant(TrainingMode Mode, string Quantization, string Precision, bool DoubleQuantization = false)
{
    public static TrainingVariant FullFp32 { get; } = new(TrainingMode.Full, "none", "fp32");
    public static TrainingVariant FullBf16 { get; } = new(TrainingMode.Full, "none", "bf16");
    public static TrainingVariant LoraFp32 { get; } = new(TrainingMode.Lora, "none", "fp32");

    /// <summary>The [model] section of a workflow with these choices, on the tiny family.</summary>
    public ModelOptions ModelOptions => ModelOptions.Default with
    {
        Family = Engine.Families.Tiny.TinyFamily.FamilyName,
        Size = ModelSize.Tiny,
        TrainingMode = Mode,
        Quantization = Quantization,
        Precision = Precision,
        DoubleQuantization = DoubleQuantization,
        GradientCheckpointing = false,
    };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Mode.ToTomlName()}, {Quantization}{(DoubleQuantization ? " (double quantization)" : "")}, {Precision}");
}
