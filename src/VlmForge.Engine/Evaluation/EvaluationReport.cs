using VlmForge.Engine.Generation;
using VlmForge.Engine.Training;

namespace VlmForge.Engine.Evaluation;

/// <summary>The outcome of one evaluation.</summary>
/// <param name="Examples">Validation examples evaluated (after <c>max_examples</c>); the loss covers all of them.</param>
/// <param name="Predictions">The generated and scored examples, in example order (the first ones, when generation was limited).</param>
/// <param name="Metrics">Task metrics over <paramref name="Predictions"/>.</param>
/// <param name="Loss">Teacher-forced validation loss over the examples; null when it was not computed.</param>
/// <param name="Timing">Generation time over every batch.</param>
/// <param name="Elapsed">Wall time of the whole evaluation.</param>
public sealed record EvaluationReport(
    int Examples,
    IReadOnlyList<ExamplePrediction> Predictions,
    EvaluationMetrics Metrics,
    LossResult? Loss,
    GenerationTiming Timing,
    TimeSpan Elapsed)
{
    /// <summary>The folder the files were written to, or null.</summary>
    public string? OutputFolder { get; init; }

    /// <summary>For the trainer: the loss (NaN when none) and the metrics by name.</summary>
    internal ValidationResult ToValidationResult() => new(Loss?.Loss ?? double.NaN, Metrics.ToDictionary());

    /// <summary>Predictions that ran into <c>max_new_tokens</c> (a hint to raise it when many do).</summary>
    public int StoppedAtLimit => Predictions.Count(p => p.Generation?.StopReason == StopReason.MaxNewTokens);
}
