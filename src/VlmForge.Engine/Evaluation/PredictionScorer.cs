using VlmForge.Data.Geometry;
using VlmForge.Data.Metrics;
using VlmForge.Data.Tasks;

namespace VlmForge.Engine.Evaluation;

/// <summary>
/// Scores generated answers against their examples' references with the Data layer's metrics: grounding JSON is parsed,
/// its boxes mapped from the model's coordinates back to the original image's pixels and matched to the true boxes;
/// VQA answers are compared after the VQA normalization; captions get BLEU-4.
/// </summary>
internal static class PredictionScorer
{
    /// <summary>Scores <paramref name="prediction"/> for <paramref name="example"/>; <paramref name="boxes"/> is the convention the model writes boxes in.</summary>
    public static ExampleScore Score(TaskExample example, string prediction, BoxConvention boxes)
    {
        ArgumentNullException.ThrowIfNull(example);
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(boxes);
        switch (example.Task)
        {
            case TaskKind.Grounding:
                var truth = example.ReferenceGrounding
                    ?? throw new ArgumentException($"Grounding example {example.Record.Location} has no reference grounding.", nameof(example));
                var original = example.Record.ImageSize;
                var parsed = GroundingAnswerParser.Parse(prediction);
                return new ExampleScore
                {
                    Grounding = GroundingScorer.Score(prediction, truth, boxes, original),
                    PredictedGrounding = parsed.Value?.MapBoxes(b => boxes.ToOriginal(b, original)),
                };
            case TaskKind.Vqa:
                return new ExampleScore { VqaCorrect = VqaAccuracy.IsCorrect(prediction, example.ReferenceAnswer!) };
            case TaskKind.Caption:
                return new ExampleScore { CaptionBleu = Bleu.Corpus([prediction], [example.ReferenceCaptions]).Score };
            default:
                throw new ArgumentOutOfRangeException(nameof(example), example.Task, "Unknown task.");
        }
    }

    /// <summary>Scores each prediction against the example at the same position.</summary>
    public static IReadOnlyList<ExamplePrediction> ScoreAll(IReadOnlyList<TaskExample> examples, IReadOnlyList<string> predictions, BoxConvention boxes)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(predictions);
        if (examples.Count != predictions.Count)
        {
            throw new ArgumentException($"{predictions.Count} predictions for {examples.Count} examples.", nameof(predictions));
        }
        return examples.Select((e, i) => new ExamplePrediction(e, predictions[i], Score(e, predictions[i], boxes))).ToArray();
    }
}
