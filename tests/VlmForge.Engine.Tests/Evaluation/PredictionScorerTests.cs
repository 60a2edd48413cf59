using VlmForge.Data.Datasets;
using VlmForge.Data.Geometry;
using VlmForge.Data.Tasks;
using VlmForge.Engine.Evaluation;
using VlmForge.Engine.Tests.Generation;

namespace VlmForge.Engine.Tests.Evaluation;

[Collection(TinyVlmCollection.Name)]
public class PredictionScorerTests(TinyVlmFixture fixture)
{
    // Original images of 64 px and a model that sees them at 64 px: boxes map back unchanged.
    private static readonly BoxConvention Boxes = new SquareImageBoxConvention(64);

    private static DatasetRecord Record(int line, PhraseGrounding? grounding = null, QuestionAnswer[]? questions = null, string[]? captions = null) => new()
    {
        SourceFile = "validation.jsonl",
        LineNumber = line,
        Id = $"img-{line}",
        ImageReference = $"images/{line}.png",
        ImagePath = $"/data/images/{line}.png",
        ImageSize = new ImageSize(64, 64),
        Grounding = grounding,
        Questions = questions ?? [],
        Captions = captions ?? [],
    };

    private static PhraseGrounding Grounding(string sentence, params (string Phrase, double X1, double Y1, double X2, double Y2)[] phrases) =>
        new(sentence, phrases.Select(p => new GroundedPhrase(p.Phrase, [new BoundingBox(p.X1, p.Y1, p.X2, p.Y2)])).ToArray());

    [Fact]
    public void Perfect_predictions_score_one_on_every_metric()
    {
        var examples = fixture.Validation;
        var predictions = PredictionScorer.ScoreAll(examples, examples.Select(e => e.Answer).ToArray(), fixture.Conventions.Boxes);

        var metrics = EvaluationMetrics.From(predictions).ToDictionary();

        Assert.Equal(1.0, metrics[EvaluationMetrics.GroundingF1]);
        Assert.Equal(1.0, metrics[EvaluationMetrics.MeanIoU], 12);
        Assert.Equal(1.0, metrics[EvaluationMetrics.JsonValidity]);
        Assert.Equal(1.0, metrics[EvaluationMetrics.VqaAccuracyName]);
        Assert.Equal(1.0, metrics[EvaluationMetrics.CaptionBleu], 12);
        Assert.All(predictions.Where(p => p.Example.Task == TaskKind.Grounding), p => Assert.Equal(p.Example.ReferenceGrounding, p.Score.PredictedGrounding));
    }

    [Fact]
    public void Partly_right_predictions_give_the_hand_computed_metrics()
    {
        var twoShapes = Record(1,
            Grounding("a red circle left of a blue square", ("a red circle", 0, 0, 10, 10), ("a blue square", 20, 20, 30, 30)),
            [new("How many shapes are there?", "2"), new("What color is the circle?", "red"), new("What shape is the red object?", "circle")],
            ["A red circle on a white background."]);
        var oneShape = Record(2,
            Grounding("a green star", ("a green star", 5, 5, 15, 25)),
            captions: ["A blue square above a green star on a noisy gray background."]);
        var builder = new TaskExampleBuilder(Boxes);
        var examples = builder.Build([twoShapes, oneShape], TaskKinds.All);
        string[] predictions =
        [
            // Red circle exact (IoU 1); blue square shifted 5 px (IoU 50 / 150 = 1/3, below 0.5); a star that is not there.
            """{"phrase_grounding": {"sentence": "a red circle", "groundings": [{"phrase": "a red circle", "grounding": [[0, 0, 10, 10]]}, {"phrase": "the blue square", "grounding": [[25, 20, 35, 30]]}, {"phrase": "a green star", "grounding": [[40, 40, 50, 50]]}]}}""",
            "Two.",       // "2" after normalization: right
            "the red",    // "red": right
            "square",     // wrong
            "A red circle on a white background.",
            "not json at all",
            "nothing like it at all",
        ];
        Assert.Equal([TaskKind.Grounding, TaskKind.Vqa, TaskKind.Vqa, TaskKind.Vqa, TaskKind.Caption, TaskKind.Grounding, TaskKind.Caption],
            examples.Select(e => e.Task));

        var scored = PredictionScorer.ScoreAll(examples, predictions, Boxes);
        var metrics = EvaluationMetrics.From(scored);

        // Boxes: 3 predicted, 3 true (2 + 1), 1 true positive; IoU sum 1 + 1/3 over 3 true boxes; 1 of 2 answers is JSON.
        var values = metrics.ToDictionary();
        Assert.Equal(0.5, values[EvaluationMetrics.JsonValidity]);
        Assert.Equal(1.0 / 3, values[EvaluationMetrics.GroundingPrecision], 12);
        Assert.Equal(1.0 / 3, values[EvaluationMetrics.GroundingRecall], 12);
        Assert.Equal(1.0 / 3, values[EvaluationMetrics.GroundingF1], 12);
        Assert.Equal(4.0 / 9, values[EvaluationMetrics.MeanIoU], 12);
        var phrases = scored[0].Score.Grounding!.Phrases;
        Assert.Equal(["a red circle", "a blue square"], phrases.Select(p => p.Phrase));
        Assert.Equal(1.0, phrases[0].IoU, 12);
        Assert.Equal(1.0 / 3, phrases[1].IoU, 12);
        Assert.False(scored[5].Score.Grounding!.ValidJson);
        Assert.Null(scored[5].Score.PredictedGrounding);

        Assert.Equal(2.0 / 3, values[EvaluationMetrics.VqaAccuracyName], 12);
        Assert.Equal([true, true, false], scored.Where(s => s.Example.Task == TaskKind.Vqa).Select(s => s.Score.VqaCorrect!.Value));

        // Corpus BLEU-4: clipped n-gram matches 8/13, 7/11, 6/9, 5/7 (only the first caption matches), hypotheses 13
        // tokens against references of 8 + 13 = 21, so the brevity penalty is exp(1 - 21/13).
        double expectedBleu = Math.Exp(1 - (21.0 / 13)) * Math.Pow(8.0 / 13 * 7.0 / 11 * 6.0 / 9 * 5.0 / 7, 0.25);
        Assert.Equal(expectedBleu, values[EvaluationMetrics.CaptionBleu], 12);
        Assert.Equal([1.0, 0.0], scored.Where(s => s.Example.Task == TaskKind.Caption).Select(s => Math.Round(s.Score.CaptionBleu!.Value, 12)));
    }

    [Fact]
    public void Tasks_without_examples_report_no_metric_rather_than_zero()
    {
        var vqaOnly = fixture.ValidationOf(TaskKind.Vqa);
        var scored = PredictionScorer.ScoreAll(vqaOnly, vqaOnly.Select(_ => "blue").ToArray(), fixture.Conventions.Boxes);

        var values = EvaluationMetrics.From(scored).ToDictionary();

        Assert.Equal([EvaluationMetrics.VqaAccuracyName], values.Keys);
        var expected = (double)vqaOnly.Count(e => e.ReferenceAnswer == "blue") / vqaOnly.Count;
        Assert.Equal(expected, values[EvaluationMetrics.VqaAccuracyName], 12);
    }
}
