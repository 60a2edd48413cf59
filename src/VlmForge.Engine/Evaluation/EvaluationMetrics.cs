using VlmForge.Data.Metrics;
using VlmForge.Data.Tasks;

namespace VlmForge.Engine.Evaluation;

/// <summary>
/// The task metrics of a set of predictions: grounding (micro-averaged over boxes), VQA exact-match accuracy and corpus
/// BLEU-4 for captions. A task without examples has no metrics (null), rather than a misleading 0.
/// </summary>
/// <param name="Grounding">JSON validity, precision / recall / F1 at IoU 0.5 and mean IoU; null without grounding examples.</param>
/// <param name="Vqa">Exact-match accuracy after normalization; null without VQA examples.</param>
/// <param name="Caption">Corpus BLEU-4 over every caption; null without caption examples.</param>
public sealed record EvaluationMetrics(GroundingMetrics? Grounding, VqaAccuracy? Vqa, BleuScore? Caption)
{
    /// <summary>Metric names, as the trainer's early stopping and <c>metrics.json</c> know them.</summary>
    public const string GroundingF1 = "grounding_f1";
    public const string GroundingPrecision = "grounding_precision";
    public const string GroundingRecall = "grounding_recall";
    public const string MeanIoU = "mean_iou";
    public const string JsonValidity = "json_validity";
    public const string VqaAccuracyName = "vqa_accuracy";
    public const string CaptionBleu = "caption_bleu";

    /// <summary>No predictions, no metrics.</summary>
    public static EvaluationMetrics None { get; } = new(null, null, null);

    /// <summary>Aggregates scored predictions.</summary>
    public static EvaluationMetrics From(IReadOnlyList<ExamplePrediction> predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        var grounding = predictions.Where(p => p.Example.Task == TaskKind.Grounding).ToArray();
        var vqa = predictions.Where(p => p.Example.Task == TaskKind.Vqa).ToArray();
        var captions = predictions.Where(p => p.Example.Task == TaskKind.Caption).ToArray();
        return new EvaluationMetrics(
            grounding.Length == 0 ? null : GroundingMetrics.From(grounding.Select(p => p.Score.Grounding!)),
            vqa.Length == 0 ? null : VqaAccuracy.From(vqa.Select(p => (p.Prediction, p.Example.ReferenceAnswer!))),
            captions.Length == 0 ? null : Bleu.Corpus(captions.Select(p => p.Prediction).ToArray(), captions.Select(p => p.Example.ReferenceCaptions).ToArray()));
    }

    /// <summary>The metrics by name, for validation results and early stopping; only tasks that had examples appear.</summary>
    public IReadOnlyDictionary<string, double> ToDictionary()
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        if (Grounding is { } g)
        {
            values[GroundingF1] = g.F1;
            values[GroundingPrecision] = g.Precision;
            values[GroundingRecall] = g.Recall;
            values[MeanIoU] = g.MeanIoU;
            values[JsonValidity] = g.JsonValidityRate;
        }
        if (Vqa is { } v)
        {
            values[VqaAccuracyName] = v.Accuracy;
        }
        if (Caption is { } c)
        {
            values[CaptionBleu] = c.Score;
        }
        return values;
    }
}
