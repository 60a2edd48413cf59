using VlmForge.Data.Geometry;
using VlmForge.Data.Metrics;
using VlmForge.Data.Tasks;

namespace VlmForge.Data.Tests.Metrics;

public class GroundingScorerTests
{
    private static readonly PhraseGrounding Truth = new(
        "a red circle and two dogs",
        [
            new GroundedPhrase("a red circle", [new BoundingBox(0, 0, 10, 10)]),
            new GroundedPhrase("two dogs", [new BoundingBox(20, 0, 30, 10), new BoundingBox(40, 0, 50, 10)]),
        ]);

    private static readonly PhraseGrounding Prediction = new(
        "a red circle, two dogs and a cat",
        [
            // IoU 50/100 = 0.5: exactly at the threshold, a true positive. "A" vs "a": same phrase.
            new GroundedPhrase("A red circle", [new BoundingBox(0, 0, 10, 5)]),
            // One dog exact (IoU 1), one box where there is nothing (IoU 0).
            new GroundedPhrase("two dogs", [new BoundingBox(40, 0, 50, 10), new BoundingBox(60, 0, 70, 10)]),
            // Right place, wrong phrase: not a match.
            new GroundedPhrase("a cat", [new BoundingBox(20, 0, 30, 10)]),
        ]);

    [Fact]
    public void Hand_computed_example_scores_as_expected()
    {
        GroundingScore score = GroundingScorer.Score(Prediction, Truth);
        Assert.True(score.ValidJson);
        Assert.Equal(4, score.PredictedBoxes);
        Assert.Equal(3, score.TrueBoxes);
        Assert.Equal(2, score.TruePositives);
        Assert.Equal(1.5, score.IoUSum, 12);
        Assert.Equal([("a red circle", 0.5, 1), ("two dogs", 0.5, 1)], score.Phrases.Select(p => (p.Phrase, p.IoU, p.MatchedAtThreshold)));

        GroundingMetrics metrics = GroundingMetrics.From([score]);
        Assert.Equal(0.5, metrics.Precision, 12);
        Assert.Equal(2.0 / 3, metrics.Recall, 12);
        Assert.Equal(4.0 / 7, metrics.F1, 12);
        Assert.Equal(0.5, metrics.MeanIoU, 12);
        Assert.Equal(1, metrics.JsonValidityRate);
    }

    [Fact]
    public void Invalid_json_predicts_nothing_and_counts_against_validity_and_recall()
    {
        var convention = new SquareImageBoxConvention(64);
        GroundingScore invalid = GroundingScorer.Score("{\"phrase_grounding\": ", Truth, convention, new ImageSize(64, 64));
        Assert.False(invalid.ValidJson);
        Assert.NotNull(invalid.Error);
        Assert.Equal(0, invalid.PredictedBoxes);

        GroundingMetrics metrics = GroundingMetrics.From([GroundingScorer.Score(Prediction, Truth), invalid]);
        Assert.Equal(0.5, metrics.JsonValidityRate);
        Assert.Equal(2.0 / 6, metrics.Recall, 12);
        Assert.Equal(0.5, metrics.Precision, 12);
        Assert.Equal(1.5 / 6, metrics.MeanIoU, 12);
    }

    [Fact]
    public void Matching_takes_the_best_pairs_first_one_to_one()
    {
        var truth = new PhraseGrounding("boxes", [new GroundedPhrase("box", [new BoundingBox(0, 0, 10, 10), new BoundingBox(5, 0, 15, 10)])]);
        // P1 overlaps B best (90/110), P2 is exactly A: greedy takes (A, P2) = 1, then (B, P1) ≈ 0.818.
        var predicted = new PhraseGrounding("boxes", [new GroundedPhrase("box", [new BoundingBox(4, 0, 14, 10), new BoundingBox(0, 0, 10, 10)])]);
        GroundingScore score = GroundingScorer.Score(predicted, truth);
        Assert.Equal(2, score.TruePositives);
        Assert.Equal(1 + (90.0 / 110), score.IoUSum, 12);
    }

    [Fact]
    public void Model_coordinates_are_mapped_back_to_the_original_image()
    {
        // Original 128x128, model 64x64: the model's [0,0,5,5] is the original [0,0,10,10].
        string generated = GroundingJsonWriter.Write(new PhraseGrounding("s", [new GroundedPhrase("a red circle", [new BoundingBox(0, 0, 5, 5)])]));
        GroundingScore score = GroundingScorer.Score(generated, Truth, new SquareImageBoxConvention(64), new ImageSize(128, 128));
        Assert.Equal(1, score.TruePositives);
        Assert.Equal(1.0, score.Phrases[0].IoU, 12);
    }

    [Theory]
    [InlineData("The red circle", "red circle")]
    [InlineData("  two   Dogs ", "two dogs")]
    [InlineData("a", "a")]
    public void Phrases_compare_without_case_spacing_or_a_leading_article(string phrase, string key)
    {
        Assert.Equal(key, GroundingScorer.PhraseKey(phrase));
    }
}
