using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Advice;

/// <summary>Every advice rule, in the order their warnings are checked.</summary>
public static class AdviceRules
{
    /// <summary>The rules.</summary>
    public static IReadOnlyList<IAdviceRule> All { get; } =
    [
        new LearningRateRule(),
        new EpochsForDatasetSizeRule(),
        new EffectiveBatchRule(),
        new Fp16OnLargeModelsRule(),
        new Fp4QuantizationRule(),
        new DoubleQuantizationRule(),
        new RepetitionPenaltyRule(),
        new TemperatureRule(),
        new MaxNewTokensRule(),
        new ModelPathRule(),
        new TinyFamilyRule(),
    ];

    /// <summary>Runs every rule; each adds warnings (never errors) to <paramref name="diagnostics"/>.</summary>
    public static void Run(AdviceContext context, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(diagnostics);
        foreach (var rule in All) rule.Check(context, diagnostics);
    }
}
