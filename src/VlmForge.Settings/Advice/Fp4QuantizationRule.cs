using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Advice;

/// <summary>The page prefers NF4 to FP4: same memory savings, better quality for transformer weights.</summary>
public sealed class Fp4QuantizationRule : IAdviceRule
{
    /// <inheritdoc />
    public string Name => "fp4-quantization";

    /// <inheritdoc />
    public string Code => "VLMA0005";

    /// <inheritdoc />
    public void Check(AdviceContext context, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Settings.Model.Quantization != "fp4") return;
        context.Warn(diagnostics, this, "model.quantization",
            "NF4 is preferred to FP4: both save ~4x memory, but NF4's values follow the normal distribution of transformer weights " +
            "and preserve model quality better. Use quantization = \"nf4\" unless you need FP4 for compatibility.");
    }
}
