using VlmForge.Engine.Evaluation;
using VlmForge.Engine.Generation;
using VlmForge.Settings;

namespace VlmForge.Engine.Pipeline;

/// <summary>Evaluation and generation over an assembled run, with the [evaluation] settings and the chosen sampler plugin.</summary>
public static class RunEvaluation
{
    /// <summary>Validation during training generates for this many examples at most (the loss covers all of them).</summary>
    public const int TrainingGenerationLimit = 64;

    public static GenerationContext GenerationContext(RunContext run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new GenerationContext(run.Model, run.Encoder, run.Collator) { Device = run.Device };
    }

    /// <param name="run">The assembled run.</param>
    /// <param name="maxExamples">Overrides <c>evaluation.max_examples</c> (0 = all); null keeps it.</param>
    public static Evaluator Evaluator(RunContext run, int? maxExamples = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        var settings = EvaluationSettings.From(run.Settings.Evaluation, run.Settings.Training.BatchSize);
        return new Evaluator(GenerationContext(run), run.Images, run.Plugins.Sampler(run.Settings.Evaluation.Sampler),
            maxExamples is int limit ? settings with { MaxExamples = limit } : settings);
    }

    /// <summary>
    /// The trainer's validator: loss on the selected validation examples and task metrics from generating for a
    /// bounded number of them, or for all of them when early stopping watches a generated metric.
    /// </summary>
    internal static EvaluationValidator? Validator(RunContext run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Dataset is not { Validation.Count: > 0 } dataset) return null;
        var metric = run.Settings.Training.EarlyStoppingMetric;
        int? limit = metric is EarlyStoppingMetric.None or EarlyStoppingMetric.ValLoss ? TrainingGenerationLimit : null;
        return new EvaluationValidator(Evaluator(run), dataset.Validation, limit);
    }
}
