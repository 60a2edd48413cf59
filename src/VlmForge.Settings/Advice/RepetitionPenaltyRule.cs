using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Advice;

/// <summary>The page calls repetition penalties above 1.3 strong: they may force unnatural word choices and hurt coherence.</summary>
public sealed class RepetitionPenaltyRule : IAdviceRule
{
    /// <summary>Penalties above this draw a warning.</summary>
    public const double Threshold = 1.3;

    /// <inheritdoc />
    public string Name => "repetition-penalty";

    /// <inheritdoc />
    public string Code => "VLMA0006";

    /// <inheritdoc />
    public void Check(AdviceContext context, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(context);
        var penalty = context.Settings.Evaluation.RepetitionPenalty;
        if (penalty <= Threshold) return;
        context.Warn(diagnostics, this, "evaluation.repetition_penalty",
            $"{TomlFormat.Number(penalty)} is a very strong penalty: above 1.3 it may force unnatural word choices, avoid necessary repetitions " +
            "(object names in grounding JSON) and reduce coherence. 1.05 is the gentle default; use 1.1-1.2 for long descriptions.");
    }
}
