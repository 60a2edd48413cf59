using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Advice;

/// <summary>Double quantization compresses the scales of 4-bit blocks; with quantization = "none" it does nothing.</summary>
public sealed class DoubleQuantizationRule : IAdviceRule
{
    /// <inheritdoc />
    public string Name => "double-quantization-without-4bit";

    /// <inheritdoc />
    public string Code => "VLMA0009";

    /// <inheritdoc />
    public void Check(AdviceContext context, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(context);
        var model = context.Settings.Model;
        if (!model.DoubleQuantization || model.Quantization != "none") return;
        context.Warn(diagnostics, this, "model.double_quantization",
            "double quantization compresses the per-block scales of 4-bit weights, but quantization = \"none\" stores no 4-bit weights, " +
            "so it has no effect. Remove it, or use quantization = \"nf4\".");
    }
}
