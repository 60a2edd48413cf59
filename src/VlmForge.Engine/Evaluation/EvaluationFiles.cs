using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using VlmForge.Abstractions.IO;
using VlmForge.Data.Geometry;
using VlmForge.Data.Overlays;
using VlmForge.Data.Tasks;
using VlmForge.Engine.Generation;
using VlmForge.Engine.Runs;

namespace VlmForge.Engine.Evaluation;

/// <summary>
/// The files of an evaluation folder (a run's <c>eval/</c>):
/// <list type="bullet">
/// <item><c>predictions.jsonl</c>: one line per generated example, in order: id, task, image, prompt, prediction,
/// reference (both as the model writes them: grounding boxes in model coordinates), why generation stopped, and the
/// example's scores (grounding scores in original image pixels).</item>
/// <item><c>metrics.json</c>: counts, the validation loss, the metrics by name, each task's details, generation timing
/// and the settings used.</item>
/// <item><c>overlays/</c>: for the first grounding examples, the image with true boxes (solid) and predicted boxes
/// (dashed), as <c>NNNN-&lt;id&gt;.png</c> (NNNN = the line in predictions.jsonl, from 1).</item>
/// </list>
/// Each file is written whole and then renamed into place; overlays of an earlier evaluation are removed first.
/// </summary>
internal static partial class EvaluationFiles
{
    public const string PredictionsFileName = "predictions.jsonl";
    public const string MetricsFileName = "metrics.json";
    public const string OverlaysFolderName = "overlays";

    // Readable text: quotes and angle brackets in answers stay as they are (these files are never embedded in HTML).
    private static readonly JsonWriterOptions Compact = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the files of <paramref name="report"/> into <paramref name="folder"/> (created when missing).</summary>
    public static void Write(string folder, EvaluationReport report, EvaluationSettings settings, BoxConvention boxes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(boxes);
        Directory.CreateDirectory(folder);
        DurableFile.Write(Path.Combine(folder, PredictionsFileName), stream => WritePredictions(stream, report.Predictions));
        DurableFile.Write(Path.Combine(folder, MetricsFileName), stream => WriteMetrics(stream, report, settings, boxes));
        WriteOverlays(Path.Combine(folder, OverlaysFolderName), report.Predictions, settings.OverlayLimit);
    }

    private static void WritePredictions(Stream stream, IReadOnlyList<ExamplePrediction> predictions)
    {
        foreach (var prediction in predictions)
        {
            using (var json = new Utf8JsonWriter(stream, Compact))
            {
                WritePrediction(json, prediction);
            }
            stream.WriteByte((byte)'\n');
        }
    }

    private static void WritePrediction(Utf8JsonWriter json, ExamplePrediction prediction)
    {
        var example = prediction.Example;
        json.WriteStartObject();
        json.WriteString("id", example.Record.Id);
        json.WriteString("task", TaskKinds.Name(example.Task));
        if (example.Task == TaskKind.Vqa)
        {
            json.WriteNumber("question_index", example.Index);
        }
        json.WriteString("image", example.Record.ImageReference);
        json.WriteString("source", example.Record.Location);
        json.WriteString("prompt", example.UserText);
        json.WriteString("prediction", prediction.Prediction);
        json.WriteString("reference", example.Answer);
        if (example.Task == TaskKind.Caption && example.ReferenceCaptions.Count > 1)
        {
            json.WriteStartArray("references");
            foreach (var caption in example.ReferenceCaptions)
            {
                json.WriteStringValue(caption);
            }
            json.WriteEndArray();
        }
        if (prediction.Generation is { } generation)
        {
            json.WriteNumber("generated_tokens", generation.TokenIds.Count);
            json.WriteString("stop_reason", StopReasonName(generation.StopReason));
        }
        json.WritePropertyName("scores");
        WriteScore(json, prediction.Score);
        json.WriteEndObject();
    }

    private static void WriteScore(Utf8JsonWriter json, ExampleScore score)
    {
        json.WriteStartObject();
        if (score.Grounding is { } g)
        {
            json.WriteBoolean("valid_json", g.ValidJson);
            if (g.Error is not null)
            {
                json.WriteString("error", g.Error);
            }
            json.WriteNumber("predicted_boxes", g.PredictedBoxes);
            json.WriteNumber("true_boxes", g.TrueBoxes);
            json.WriteNumber("true_positives", g.TruePositives);
            Number(json, "mean_iou", g.TrueBoxes == 0 ? 0 : g.IoUSum / g.TrueBoxes);
            json.WriteStartArray("phrases");
            foreach (var phrase in g.Phrases)
            {
                json.WriteStartObject();
                json.WriteString("phrase", phrase.Phrase);
                Number(json, "iou", phrase.IoU);
                json.WriteNumber("true_boxes", phrase.TrueBoxes);
                json.WriteNumber("matched_at_0.5", phrase.MatchedAtThreshold);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        if (score.VqaCorrect is bool correct)
        {
            json.WriteBoolean("correct", correct);
        }
        if (score.CaptionBleu is double bleu)
        {
            Number(json, "bleu", bleu);
        }
        json.WriteEndObject();
    }

    private static void WriteMetrics(Stream stream, EvaluationReport report, EvaluationSettings settings, BoxConvention boxes)
    {
        using var json = new Utf8JsonWriter(stream, Indented);
        json.WriteStartObject();
        json.WriteNumber("examples", report.Examples);
        json.WriteNumber("generated", report.Predictions.Count);
        if (report.Loss is { } loss)
        {
            Number(json, "val_loss", loss.Loss);
            json.WriteNumber("val_loss_tokens", loss.Tokens);
        }

        json.WriteStartObject("metrics");
        foreach (var (name, value) in report.Metrics.ToDictionary())
        {
            Number(json, name, value);
        }
        json.WriteEndObject();

        if (report.Metrics.Grounding is { } g)
        {
            json.WriteStartObject("grounding");
            json.WriteNumber("examples", g.Examples);
            json.WriteNumber("valid_json", g.ValidJson);
            Number(json, "json_validity", g.JsonValidityRate);
            json.WriteNumber("predicted_boxes", g.PredictedBoxes);
            json.WriteNumber("true_boxes", g.TrueBoxes);
            json.WriteNumber("true_positives", g.TruePositives);
            Number(json, "iou_threshold", Data.Metrics.GroundingScorer.IoUThreshold);
            Number(json, "precision", g.Precision);
            Number(json, "recall", g.Recall);
            Number(json, "f1", g.F1);
            Number(json, "mean_iou", g.MeanIoU);
            json.WriteString("box_convention", boxes.Name);
            json.WriteEndObject();
        }
        if (report.Metrics.Vqa is { } v)
        {
            json.WriteStartObject("vqa");
            json.WriteNumber("questions", v.Questions);
            json.WriteNumber("correct", v.Correct);
            Number(json, "accuracy", v.Accuracy);
            json.WriteEndObject();
        }
        if (report.Metrics.Caption is { } c)
        {
            json.WriteStartObject("caption");
            json.WriteNumber("examples", report.Predictions.Count(p => p.Example.Task == TaskKind.Caption));
            Number(json, "bleu", c.Score);
            json.WriteStartArray("precisions");
            foreach (var precision in c.Precisions)
            {
                NumberValue(json, precision);
            }
            json.WriteEndArray();
            Number(json, "brevity_penalty", c.BrevityPenalty);
            json.WriteNumber("hypothesis_length", c.HypothesisLength);
            json.WriteNumber("reference_length", c.ReferenceLength);
            json.WriteEndObject();
        }

        var timing = report.Timing;
        json.WriteStartObject("generation");
        json.WriteNumber("tokens", timing.Tokens);
        json.WriteNumber("steps", timing.Steps);
        Number(json, "prefill_seconds", timing.Prefill.TotalSeconds);
        Number(json, "decoding_seconds", timing.Decoding.TotalSeconds);
        Number(json, "sampling_seconds", timing.Sampling.TotalSeconds);
        Number(json, "sampling_share", timing.SamplingShare);
        Number(json, "seconds_per_step", timing.PerStep.TotalSeconds);
        Number(json, "tokens_per_second", timing.TokensPerSecond);
        json.WriteNumber("stopped_at_max_new_tokens", report.StoppedAtLimit);
        Number(json, "evaluation_seconds", report.Elapsed.TotalSeconds);
        json.WriteEndObject();

        json.WriteStartObject("settings");
        json.WriteNumber("max_new_tokens", settings.MaxNewTokens);
        json.WriteBoolean("do_sample", settings.Sampling.DoSample);
        Number(json, "temperature", settings.Sampling.Temperature);
        json.WriteNumber("top_k", settings.Sampling.TopK);
        Number(json, "top_p", settings.Sampling.TopP);
        Number(json, "repetition_penalty", settings.Sampling.RepetitionPenalty);
        json.WriteNumber("seed", settings.Sampling.Seed);
        json.WriteBoolean("constrain_json", settings.ConstrainJson);
        json.WriteNumber("max_examples", settings.MaxExamples);
        json.WriteNumber("batch_size", settings.BatchSize);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteOverlays(string folder, IReadOnlyList<ExamplePrediction> predictions, int limit)
    {
        if (Directory.Exists(folder))
        {
            foreach (var stale in Directory.EnumerateFiles(folder, "*.png"))
            {
                File.Delete(stale);
            }
        }
        var grounding = predictions
            .Select((p, i) => (Prediction: p, Line: i + 1))
            .Where(p => p.Prediction.Example.Task == TaskKind.Grounding)
            .Take(limit)
            .ToArray();
        if (grounding.Length == 0)
        {
            return;
        }
        Directory.CreateDirectory(folder);
        foreach (var (prediction, line) in grounding)
        {
            var record = prediction.Example.Record;
            var path = Path.Combine(folder, OverlayFileName(line, record.Id));
            OverlayRenderer.Save(record.ImagePath, prediction.Example.ReferenceGrounding, prediction.Score.PredictedGrounding, path);
        }
    }

    /// <summary>The overlay file of the prediction on line <paramref name="line"/> (from 1) of predictions.jsonl.</summary>
    public static string OverlayFileName(int line, string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var safe = UnsafeFileCharacters().Replace(id, "_");
        if (safe.Length > 60)
        {
            safe = safe[..60];
        }
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{line:D4}-{safe}.png");
    }

    private static string StopReasonName(StopReason reason) => reason switch
    {
        StopReason.EndToken => "end_token",
        StopReason.MaxNewTokens => "max_new_tokens",
        StopReason.NoAllowedToken => "no_allowed_token",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Unknown stop reason."),
    };

    /// <summary>A number, or null when it is not finite (JSON has no NaN).</summary>
    private static void Number(Utf8JsonWriter json, string name, double value)
    {
        json.WritePropertyName(name);
        NumberValue(json, value);
    }

    private static void NumberValue(Utf8JsonWriter json, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumberValue(value);
        }
        else
        {
            json.WriteNullValue();
        }
    }

    [GeneratedRegex(@"[^A-Za-z0-9._-]")]
    private static partial Regex UnsafeFileCharacters();
}
