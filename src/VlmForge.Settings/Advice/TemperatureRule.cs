using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Advice;

/// <summary>The page: temperatures above 1.5 may reduce quality (outputs become random and incoherent).</summary>
public sealed class TemperatureRule : IAdviceRule
{
    /// <summary>Temperatures above this draw a warning.</summary>
    public const double Threshold = 1.5;

    /// <inheritdoc />
    public string Name => "temperature";

    /// <inheritdoc />
    public string Code => "VLMA0007";

    /// <inheritdoc />
    public void Check(AdviceContext context, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(context);
        var evaluation = context.Settings.Evaluation;
        if (!evaluation.DoSample || evaluation.Temperature <= Threshold) return;
        context.Warn(diagnostics, this, "evaluation.temperature",
            $"{TomlFormat.Number(evaluation.Temperature)} flattens the token distribution a lot: values above 1.5 may reduce quality and coherence. " +
            "Use 1.0 for grounding, 0.7 for factual VQA, 1.3-1.5 for creative descriptions.");
    }
}
