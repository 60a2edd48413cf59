using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Advice;

/// <summary>
/// The page recommends BFloat16 for large models (7B+, i.e. medium and large): it keeps Float32's exponent range,
/// so gradients under- and overflow less than with Float16; Float16 is for smaller models and older GPUs.
/// </summary>
public sealed class Fp16OnLargeModelsRule : IAdviceRule
{
    /// <inheritdoc />
    public string Name => "fp16-on-large-models";

    /// <inheritdoc />
    public string Code => "VLMA0004";

    /// <inheritdoc />
    public void Check(AdviceContext context, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(context);
        var model = context.Settings.Model;
        if (model.Precision != "fp16" || model.Size is not (ModelSize.Medium or ModelSize.Large)) return;
        context.Warn(diagnostics, this, "model.precision",
            $"fp16 on a {model.Size.ToTomlName()} ({(model.Size == ModelSize.Medium ? "7-13B" : "20-34B")}) model: use precision = \"bf16\". " +
            "BFloat16 keeps Float32's exponent range, so large models train with fewer gradient underflows and overflows; " +
            "Float16 suits smaller models (<7B) and GPUs without bf16.");
    }
}
