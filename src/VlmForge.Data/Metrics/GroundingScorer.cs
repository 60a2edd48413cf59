using VlmForge.Data.Geometry;
using VlmForge.Data.Tasks;

namespace VlmForge.Data.Metrics;

/// <summary>
/// Scores grounding answers. Matching strategy: every (phrase, box) pair of the prediction may match one
/// (phrase, box) pair of the truth with the same phrase — compared lower-cased, trimmed, with runs of
/// spaces collapsed and a leading "a", "an" or "the" dropped. Among all such candidate pairs with IoU &gt; 0,
/// the highest-IoU pair is matched first, then the next highest among the still unmatched, and so on
/// (greedy, one-to-one; ties broken by truth order, then prediction order). A match with IoU ≥ 0.5 is a
/// true positive. Invalid JSON predicts nothing.
/// </summary>
public static class GroundingScorer
{
    public const double IoUThreshold = 0.5;

    /// <summary>Parses <paramref name="generated"/> (model coordinates), maps it back to original pixels and scores it.</summary>
    public static GroundingScore Score(string generated, PhraseGrounding truth, BoxConvention convention, ImageSize originalSize)
    {
        ArgumentNullException.ThrowIfNull(generated);
        ArgumentNullException.ThrowIfNull(convention);
        GroundingParseResult parsed = GroundingAnswerParser.Parse(generated);
        if (!parsed.IsValid)
        {
            return Score(null, truth) with { Error = parsed.Error!.ToString() };
        }

        return Score(parsed.Value!.MapBoxes(b => convention.ToOriginal(b, originalSize)), truth);
    }

    /// <summary>Scores a parsed prediction (null = invalid answer) against the truth, both in the same coordinates.</summary>
    public static GroundingScore Score(PhraseGrounding? predicted, PhraseGrounding truth)
    {
        ArgumentNullException.ThrowIfNull(truth);
        var truePairs = Pairs(truth);
        var predictedPairs = predicted is null ? [] : Pairs(predicted);

        var candidates = new List<(double IoU, int True, int Predicted)>();
        for (int t = 0; t < truePairs.Count; t++)
        {
            for (int p = 0; p < predictedPairs.Count; p++)
            {
                if (truePairs[t].Key != predictedPairs[p].Key)
                {
                    continue;
                }

                double iou = BoundingBox.IoU(truePairs[t].Box, predictedPairs[p].Box);
                if (iou > 0)
                {
                    candidates.Add((iou, t, p));
                }
            }
        }

        candidates.Sort((a, b) =>
        {
            int byIoU = b.IoU.CompareTo(a.IoU);
            return byIoU != 0 ? byIoU : a.True != b.True ? a.True.CompareTo(b.True) : a.Predicted.CompareTo(b.Predicted);
        });

        var matchedIoU = new double[truePairs.Count];
        var trueUsed = new bool[truePairs.Count];
        var predictedUsed = new bool[predictedPairs.Count];
        foreach ((double iou, int t, int p) in candidates)
        {
            if (!trueUsed[t] && !predictedUsed[p])
            {
                trueUsed[t] = true;
                predictedUsed[p] = true;
                matchedIoU[t] = iou;
            }
        }

        var phrases = new List<PhraseIoU>();
        for (int g = 0; g < truth.Groundings.Count; g++)
        {
            var boxes = Enumerable.Range(0, truePairs.Count).Where(i => truePairs[i].Grounding == g).ToArray();
            double mean = boxes.Length == 0 ? 0 : boxes.Average(i => matchedIoU[i]);
            phrases.Add(new PhraseIoU(truth.Groundings[g].Phrase, mean, boxes.Length, boxes.Count(i => matchedIoU[i] >= IoUThreshold)));
        }

        return new GroundingScore(
            ValidJson: predicted is not null,
            Error: null,
            PredictedBoxes: predictedPairs.Count,
            TrueBoxes: truePairs.Count,
            TruePositives: matchedIoU.Count(iou => iou >= IoUThreshold),
            IoUSum: matchedIoU.Sum(),
            Phrases: phrases);
    }

    /// <summary>The form under which two phrases count as the same.</summary>
    public static string PhraseKey(string phrase)
    {
        ArgumentNullException.ThrowIfNull(phrase);
        string[] words = phrase.Trim().ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        int skip = words.Length > 1 && words[0] is "a" or "an" or "the" ? 1 : 0;
        return string.Join(' ', words.Skip(skip));
    }

    private static List<(string Key, BoundingBox Box, int Grounding)> Pairs(PhraseGrounding grounding)
    {
        var pairs = new List<(string, BoundingBox, int)>();
        for (int g = 0; g < grounding.Groundings.Count; g++)
        {
            string key = PhraseKey(grounding.Groundings[g].Phrase);
            foreach (BoundingBox box in grounding.Groundings[g].Boxes)
            {
                pairs.Add((key, box, g));
            }
        }

        return pairs;
    }
}
