using VlmForge.Data.Tasks;
using VlmForge.Engine.Training;

namespace VlmForge.Engine.Evaluation;

/// <summary>
/// The trainer's validation: teacher-forced loss on the validation examples (after <c>max_examples</c>) and the task
/// metrics (<c>grounding_f1</c>, <c>mean_iou</c>, <c>json_validity</c>, <c>vqa_accuracy</c>, <c>caption_bleu</c>, plus
/// <c>grounding_precision</c> and <c>grounding_recall</c>) from generating answers, so early stopping can watch any of them.
/// Generation is the slow part: <paramref name="generationLimit"/> generates only for the first examples (0 = loss only).
/// </summary>
/// <param name="evaluator">Evaluates with the run's <c>[evaluation]</c> settings.</param>
/// <param name="validation">The validation examples, in their fixed order.</param>
/// <param name="generationLimit">Examples to generate for at each validation; null = all selected.</param>
/// <param name="outputFolder">When given, each validation rewrites the evaluation files there (the latest wins).</param>
internal sealed class EvaluationValidator(Evaluator evaluator, IReadOnlyList<TaskExample> validation, int? generationLimit = null, string? outputFolder = null)
    : IValidator
{
    private readonly Evaluator _evaluator = evaluator ?? throw new ArgumentNullException(nameof(evaluator));
    private readonly IReadOnlyList<TaskExample> _validation = validation ?? throw new ArgumentNullException(nameof(validation));
    private readonly int? _generationLimit = generationLimit is < 0
        ? throw new ArgumentOutOfRangeException(nameof(generationLimit), generationLimit, "The generation limit must be null (all), 0 (loss only) or more.")
        : generationLimit;

    /// <summary>The report of the latest validation, or null before the first.</summary>
    public EvaluationReport? LastReport { get; private set; }

    /// <inheritdoc />
    public ValidationResult Validate()
    {
        LastReport = _evaluator.Evaluate(_validation, outputFolder, _generationLimit);
        return LastReport.ToValidationResult();
    }
}
