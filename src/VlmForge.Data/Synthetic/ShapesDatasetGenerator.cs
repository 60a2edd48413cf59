using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using SkiaSharp;
using VlmForge.Abstractions.IO;
using VlmForge.Data.Datasets;
using VlmForge.Data.Images;
using VlmForge.Data.Randomness;
using VlmForge.Data.Tasks;

namespace VlmForge.Data.Synthetic;

/// <summary>What <see cref="ShapesDatasetGenerator.Generate"/> wrote.</summary>
public sealed record ShapesDatasetSummary(string Folder, string TrainFile, string ValidationFile, int TrainCount, int ValidationCount, int QuestionCount);

/// <summary>
/// Writes the synthetic shapes dataset: images/NNNNN.png, train.jsonl, validation.jsonl (the format of
/// docs/dataset-format.md) and synth.json (the options). Image i is drawn from its own random stream of
/// (seed, i), so the files are byte-identical for the same options on any machine and thread count.
/// </summary>
public static class ShapesDatasetGenerator
{
    public const string ImagesFolder = "images";
    public const string OptionsFileName = "synth.json";

    private static readonly JsonWriterOptions LineOptions = new()
    {
        // Keep text readable (no \u0027 for apostrophes); JSON validity does not depend on it.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    public static ShapesDatasetSummary Generate(string folder, ShapesDatasetOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Directory.CreateDirectory(Path.Combine(folder, ImagesFolder));

        int total = options.TrainCount + options.ValidationCount;
        var lines = new string[total];
        var questionCounts = new int[total];
        Parallel.For(0, total, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var random = SplitMix64.For(options.Seed, (ulong)i);
            ShapeScene scene = ShapeSceneSampler.Sample(random, options);
            string imageName = $"{ImagesFolder}/{i.ToString("D5", CultureInfo.InvariantCulture)}.png";
            using (SKBitmap bitmap = ShapeRenderer.Render(scene))
            {
                PngWriter.Save(bitmap, Path.Combine(folder, imageName));
            }

            IReadOnlyList<QuestionAnswer> questions = ShapeSceneText.Questions(scene, random);
            questionCounts[i] = questions.Count;
            string split = i < options.TrainCount ? "train" : "validation";
            lines[i] = RecordLine($"{split}-{i.ToString("D5", CultureInfo.InvariantCulture)}", imageName, scene, questions);
        });

        string trainFile = Path.Combine(folder, DatasetLayout.TrainFileName);
        string validationFile = Path.Combine(folder, DatasetLayout.ValidationFileName);
        WriteLines(trainFile, lines.Take(options.TrainCount));
        WriteLines(validationFile, lines.Skip(options.TrainCount));
        DurableFile.WriteAllBytes(Path.Combine(folder, OptionsFileName), JsonSerializer.SerializeToUtf8Bytes(options, new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            WriteIndented = true,
        }));

        return new ShapesDatasetSummary(folder, trainFile, validationFile, options.TrainCount, options.ValidationCount, questionCounts.Sum());
    }

    /// <summary>Whether <paramref name="folder"/> already holds this dataset, generated with exactly <paramref name="options"/>.</summary>
    public static bool IsUpToDate(string folder, ShapesDatasetOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(options);
        string optionsFile = Path.Combine(folder, OptionsFileName);
        if (!File.Exists(optionsFile) || !File.Exists(Path.Combine(folder, DatasetLayout.TrainFileName)))
        {
            return false;
        }

        try
        {
            var written = JsonSerializer.Deserialize<ShapesDatasetOptions>(File.ReadAllBytes(optionsFile), new JsonSerializerOptions
            {
                PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            });
            return written == options;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string RecordLine(string id, string image, ShapeScene scene, IReadOnlyList<QuestionAnswer> questions)
    {
        PhraseGrounding grounding = ShapeSceneText.Grounding(scene);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, LineOptions))
        {
            json.WriteStartObject();
            json.WriteString(DatasetFields.Id, id);
            json.WriteString(DatasetFields.Image, image);
            json.WritePropertyName(DatasetFields.PhraseGrounding);
            json.WriteStartObject();
            json.WriteString(GroundingJsonFormat.Sentence, grounding.Sentence);
            json.WriteStartArray(GroundingJsonFormat.Groundings);
            foreach (GroundedPhrase phrase in grounding.Groundings)
            {
                json.WriteStartObject();
                json.WriteString(GroundingJsonFormat.Phrase, phrase.Phrase);
                json.WriteStartArray(GroundingJsonFormat.Grounding);
                foreach (var box in phrase.Boxes)
                {
                    json.WriteStartArray();
                    json.WriteNumberValue((int)box.X1);
                    json.WriteNumberValue((int)box.Y1);
                    json.WriteNumberValue((int)box.X2);
                    json.WriteNumberValue((int)box.Y2);
                    json.WriteEndArray();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartArray(DatasetFields.QuestionAnswers);
            foreach (QuestionAnswer qa in questions)
            {
                json.WriteStartObject();
                json.WriteString(DatasetFields.Question, qa.Question);
                json.WriteString(DatasetFields.Answer, qa.Answer);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString(DatasetFields.Caption, ShapeSceneText.Caption(scene));
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteLines(string path, IEnumerable<string> lines)
    {
        var sb = new StringBuilder();
        foreach (string line in lines)
        {
            sb.Append(line).Append('\n');
        }

        DurableFile.WriteAllText(path, sb.ToString());
    }
}
