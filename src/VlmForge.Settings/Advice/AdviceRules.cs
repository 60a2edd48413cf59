using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Advice;

/// <summary>
/// Every general advice rule, in the order their warnings are checked. A family's own rules
/// (<see cref="FamilyProfile.Advice"/>) run after them, and a family can waive a general rule that does not apply to it.
/// </summary>
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
    ];

    /// <summary>
    /// Runs every general rule the workflow's family does not waive, then the family's own; each adds warnings (never
    /// errors) to <paramref name="diagnostics"/>.
    /// </summary>
    public static void Run(AdviceContext context, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var family = context.Family;
        foreach (var rule in All.Where(r => family?.WaivedAdvice.Contains(r.Name) != true)) rule.Check(context, diagnostics);
        foreach (var rule in family?.Advice ?? []) CheckFamilyRule(rule, family!, context, diagnostics);
    }

    /// <summary>
    /// A family's rule comes from code outside the settings layer (a host may register its own family): a rule that
    /// fails is reported as a warning naming it, so the workflow still loads and the user sees no stack trace.
    /// </summary>
    private static void CheckFamilyRule(IAdviceRule rule, FamilyProfile family, AdviceContext context, DiagnosticBag diagnostics)
    {
        try
        {
            rule.Check(context, diagnostics);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            diagnostics.Advice(rule.Code, rule.Name, context.LocationOf("model.family"), "model.family",
                $"the {family.Name} family's advice rule '{rule.Name}' failed ({e.GetType().Name}: {e.Message}), so its advice is missing; " +
                "the workflow itself is unaffected. Report it to whoever provides that family.");
        }
    }
}
