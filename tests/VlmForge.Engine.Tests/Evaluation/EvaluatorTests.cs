using System.Text.Json;
using VlmForge.Data.Batching;
using VlmForge.Data.Tasks;
using VlmForge.Engine.Evaluation;
using VlmForge.Engine.Tests.Generation;
using VlmForge.Models.Modeling;
using static TorchSharp.torch;

namespace VlmForge.Engine.Tests.Evaluation;

[Collection(TinyVlmCollection.Name)]
public sealed class EvaluatorTests(TinyVlmFixture fixture) : IDisposable
{
    private readonly string _output = Path.Combine(fixture.Folder, "eval-" + Guid.NewGuid().ToString("N"));

    private Evaluator NewEvaluator(EvaluationSettings? settings = null) => new(
        fixture.Context,
        fixture.Images,
        fixture.Sampler,
        settings ?? new EvaluationSettings
        {
            MaxNewTokens = 64,
            Sampling = TinyVlmFixture.Greedy with { DoSample = true, Seed = 11 },
            ConstrainJson = true,
            MaxExamples = 12,
            BatchSize = 4,
            OverlayLimit = 2,
        });

    [Fact]
    public void Evaluation_writes_a_prediction_line_per_example_metrics_and_overlays()
    {
        var evaluator = NewEvaluator();

        var report = evaluator.Evaluate(fixture.Validation, _output);

        var selected = fixture.Validation.Take(12).ToArray();
        Assert.Equal(12, report.Examples);
        Assert.Equal(selected, report.Predictions.Select(p => p.Example));

        var lines = File.ReadAllLines(Path.Combine(_output, EvaluationFiles.PredictionsFileName));
        Assert.Equal(12, lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            using var line = JsonDocument.Parse(lines[i]);
            var root = line.RootElement;
            Assert.Equal(selected[i].Record.Id, root.GetProperty("id").GetString());
            Assert.Equal(TaskKinds.Name(selected[i].Task), root.GetProperty("task").GetString());
            Assert.Equal(selected[i].UserText, root.GetProperty("prompt").GetString());
            Assert.Equal(report.Predictions[i].Prediction, root.GetProperty("prediction").GetString());
            Assert.Equal(selected[i].Answer, root.GetProperty("reference").GetString());
            Assert.True(root.GetProperty("generated_tokens").GetInt32() <= 64);
            Assert.Equal(JsonValueKind.Object, root.GetProperty("scores").ValueKind);
        }

        // Constrained decoding: every grounding answer of the untrained model is valid JSON.
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(_output, EvaluationFiles.MetricsFileName)));
        var values = metrics.RootElement.GetProperty("metrics");
        Assert.Equal(1.0, values.GetProperty(EvaluationMetrics.JsonValidity).GetDouble());
        Assert.Equal(report.Metrics.ToDictionary().Keys.Order(), values.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(12, metrics.RootElement.GetProperty("examples").GetInt32());
        Assert.Equal(report.Loss!.Loss, metrics.RootElement.GetProperty("val_loss").GetDouble());
        Assert.True(report.Loss.Loss > 0 && double.IsFinite(report.Loss.Loss));

        // Overlays for the first two grounding examples only, named after their prediction lines.
        var expectedOverlays = selected
            .Select((e, i) => (e, Line: i + 1))
            .Where(p => p.e.Task == TaskKind.Grounding)
            .Take(2)
            .Select(p => EvaluationFiles.OverlayFileName(p.Line, p.e.Record.Id));
        var overlays = Directory.GetFiles(Path.Combine(_output, EvaluationFiles.OverlaysFolderName)).Select(Path.GetFileName).Order();
        Assert.Equal(expectedOverlays.Order(), overlays);
        Assert.All(Directory.GetFiles(Path.Combine(_output, EvaluationFiles.OverlaysFolderName)), f => Assert.True(new FileInfo(f).Length > 1000));
    }

    [Fact]
    public void The_same_seed_gives_the_same_sampled_predictions()
    {
        var first = NewEvaluator().Evaluate(fixture.Validation);
        var second = NewEvaluator().Evaluate(fixture.Validation);

        Assert.Equal(first.Predictions.Select(p => p.Prediction), second.Predictions.Select(p => p.Prediction));
        Assert.Null(first.OutputFolder);
    }

    [Fact]
    public void The_validation_loss_is_the_token_weighted_mean_whatever_the_batch_size()
    {
        var examples = fixture.Validation.Take(7).ToArray();
        // By hand: each example alone, its summed token losses and its answer tokens.
        double sum = 0;
        long tokens = 0;
        using (no_grad())
        {
            foreach (var example in examples)
            {
                using var scope = NewDisposeScope();
                var item = new CollateItem(fixture.Images.Get(example.Record), fixture.Encoder.EncodeTraining(example.UserText, example.Answer));
                using var batch = fixture.Collator.CollateForTraining([item]);
                var output = fixture.Model.Forward(new VlmInputs(batch.PixelValues, batch.InputIds, batch.AttentionMask, batch.Labels));
                sum += output.LossSum!.item<float>();
                tokens += output.LabelTokens!.item<long>();
            }
        }

        foreach (int batchSize in new[] { 1, 3, 7 })
        {
            var loss = ValidationLoss.Compute(fixture.Context, fixture.Images, examples, batchSize);
            Assert.Equal(tokens, loss.Tokens);
            Assert.Equal(sum / tokens, loss.Loss, 4);
            Assert.Equal(7, loss.Examples);
        }
    }

    [Fact]
    public void The_validator_reports_the_loss_and_the_metrics_early_stopping_watches()
    {
        var evaluator = NewEvaluator();
        var selected = fixture.Validation.Take(12).ToArray();

        var lossOnly = new EvaluationValidator(evaluator, fixture.Validation, generationLimit: 0).Validate();
        Assert.Empty(lossOnly.Metrics);
        Assert.Equal(evaluator.Loss(selected).Loss, lossOnly.Loss, 10);

        var validator = new EvaluationValidator(evaluator, fixture.Validation, generationLimit: 3);
        var result = validator.Validate();

        Assert.Equal(lossOnly.Loss, result.Get("val_loss"), 10);
        var expected = new List<string>();
        var tasks = selected.Take(3).Select(e => e.Task).ToHashSet();
        if (tasks.Contains(TaskKind.Grounding))
        {
            expected.AddRange([EvaluationMetrics.GroundingF1, EvaluationMetrics.GroundingPrecision, EvaluationMetrics.GroundingRecall,
                EvaluationMetrics.MeanIoU, EvaluationMetrics.JsonValidity]);
        }
        if (tasks.Contains(TaskKind.Vqa))
        {
            expected.Add(EvaluationMetrics.VqaAccuracyName);
        }
        Assert.Equal(expected.Order(), result.Metrics.Keys.Order());
        Assert.Equal(3, validator.LastReport!.Predictions.Count);
        Assert.Equal(1.0, result.Get(EvaluationMetrics.JsonValidity));
        Assert.Throws<KeyNotFoundException>(() => result.Get(EvaluationMetrics.CaptionBleu));
    }

    public void Dispose()
    {
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }
}
