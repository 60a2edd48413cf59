namespace VlmForge.Data.Metrics;

/// <summary>IoU of one true phrase: the mean, over its true boxes, of the IoU with the predicted box matched to each (0 when unmatched).</summary>
public sealed record PhraseIoU(string Phrase, double IoU, int TrueBoxes, int MatchedAtThreshold);

/// <summary>How one generated grounding answer scores against the truth.</summary>
public sealed record GroundingScore(
    bool ValidJson,
    string? Error,
    int PredictedBoxes,
    int TrueBoxes,
    int TruePositives,
    double IoUSum,
    IReadOnlyList<PhraseIoU> Phrases);

/// <summary>
/// Grounding metrics over a set of answers (micro-averaged over boxes): JSON validity rate, precision,
/// recall and F1 at IoU ≥ 0.5, and mean IoU over true boxes (unmatched true boxes count as 0).
/// </summary>
public sealed record GroundingMetrics(int Examples, int ValidJson, int PredictedBoxes, int TrueBoxes, int TruePositives, double IoUSum)
{
    public double JsonValidityRate => Examples == 0 ? 0 : (double)ValidJson / Examples;

    public double Precision => PredictedBoxes == 0 ? 0 : (double)TruePositives / PredictedBoxes;

    public double Recall => TrueBoxes == 0 ? 0 : (double)TruePositives / TrueBoxes;

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    public double MeanIoU => TrueBoxes == 0 ? 0 : IoUSum / TrueBoxes;

    public static GroundingMetrics From(IEnumerable<GroundingScore> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        int examples = 0, valid = 0, predicted = 0, truth = 0, tp = 0;
        double iou = 0;
        foreach (GroundingScore s in scores)
        {
            examples++;
            valid += s.ValidJson ? 1 : 0;
            predicted += s.PredictedBoxes;
            truth += s.TrueBoxes;
            tp += s.TruePositives;
            iou += s.IoUSum;
        }

        return new GroundingMetrics(examples, valid, predicted, truth, tp, iou);
    }
}
