using VlmForge.Abstractions.Settings;
using VlmForge.Settings;
using VlmForge.Settings.Advice;

namespace VlmForge.Engine.Families.Tiny;

/// <summary>
/// The tiny family trains from random weights on a CPU. Its defaults (full training, no quantization) are the values
/// that work; a file that writes LoRA or a 4-bit quantizer for it gets a frozen random base that learns almost nothing.
/// Part of the family's profile (<see cref="TinyFamily.Profile"/>), so it runs only for tiny workflows.
/// </summary>
internal sealed class TinyFamilyRule : IAdviceRule
{
    /// <inheritdoc />
    public string Name => "tiny-family";

    /// <inheritdoc />
    public string Code => "VLMA0102";

    /// <inheritdoc />
    public void Check(AdviceContext context, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(context);
        var model = context.Settings.Model;
        if (model.Quantization != "none")
        {
            context.Warn(diagnostics, this, "model.quantization",
                $"quantization = \"{model.Quantization}\" stores the tiny model's frozen base in 4 bits, but that base starts from random weights: " +
                "4-bit storage saves memory on large pretrained models, while here it only adds error and leaves the adapters on top of noise. " +
                "Leave quantization out (the tiny family uses \"none\") with training_mode = \"full\".");
        }
        if (model.TrainingMode == TrainingMode.Lora && model.Path is null)
        {
            context.Warn(diagnostics, this, "model.training_mode",
                "training_mode = \"lora\" trains small adapters on a frozen base, but the tiny model's base is random (no model.path): " +
                "the adapters learn on top of noise and the model barely improves. Leave training_mode out (the tiny family uses \"full\").");
        }
    }
}
