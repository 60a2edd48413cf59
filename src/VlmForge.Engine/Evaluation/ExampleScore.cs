using VlmForge.Data.Metrics;
using VlmForge.Data.Tasks;
using VlmForge.Engine.Generation;

namespace VlmForge.Engine.Evaluation;

/// <summary>How one prediction scored; the fields of the example's task are set, the others are null.</summary>
public sealed record ExampleScore
{
    /// <summary>Grounding: validity, matched boxes and IoU per true phrase, in original image pixels.</summary>
    public GroundingScore? Grounding { get; init; }

    /// <summary>Grounding: the parsed prediction with its boxes mapped to original image pixels; null when it is not valid JSON.</summary>
    public PhraseGrounding? PredictedGrounding { get; init; }

    /// <summary>VQA: whether the normalized prediction equals the normalized reference.</summary>
    public bool? VqaCorrect { get; init; }

    /// <summary>Captions: BLEU-4 of this caption alone against the record's references (0 without a matching 4-gram).</summary>
    public double? CaptionBleu { get; init; }
}

/// <summary>One evaluated example: what was asked, what the model answered, and how it scored.</summary>
/// <param name="Example">The example (its record holds the references).</param>
/// <param name="Prediction">The generated answer text.</param>
/// <param name="Score">The example's scores.</param>
/// <param name="Generation">The generated tokens and why generation stopped; null for predictions not generated here.</param>
public sealed record ExamplePrediction(TaskExample Example, string Prediction, ExampleScore Score, GeneratedSequence? Generation = null);
