using System.Text.Json;
using VlmForge.Abstractions.IO;
using VlmForge.Data.Datasets;
using VlmForge.Data.Tasks;

namespace VlmForge.Data.Import;

/// <summary>Writes imported records as VlmForge dataset JSONL (docs/dataset-format.md), image paths relative to the file.</summary>
public static class DatasetLineWriter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes <paramref name="records"/> to <paramref name="path"/> durably (<see cref="DurableFile"/>).</summary>
    public static void Write(string path, IEnumerable<ImportedRecord> records)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(records);
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        DurableFile.Write(path, stream =>
        {
            foreach (var record in records)
            {
                stream.Write(Line(record, folder));
                stream.WriteByte((byte)'\n');
            }
        });
    }

    private static byte[] Line(ImportedRecord record, string folder)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteString(DatasetFields.Image, Path.GetRelativePath(folder, record.ImagePath).Replace('\\', '/'));
            if (record.Grounding is { } grounding)
            {
                json.WritePropertyName(DatasetFields.PhraseGrounding);
                json.WriteStartObject();
                json.WriteString(GroundingJsonFormat.Sentence, grounding.Sentence);
                json.WriteStartArray(GroundingJsonFormat.Groundings);
                foreach (var phrase in grounding.Groundings)
                {
                    json.WriteStartObject();
                    json.WriteString(GroundingJsonFormat.Phrase, phrase.Phrase);
                    json.WriteStartArray(GroundingJsonFormat.Grounding);
                    foreach (var box in phrase.Boxes)
                    {
                        json.WriteStartArray();
                        foreach (double v in new[] { box.X1, box.Y1, box.X2, box.Y2 })
                            json.WriteNumberValue(Math.Round(v, 2));
                        json.WriteEndArray();
                    }
                    json.WriteEndArray();
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            if (record.Questions.Count > 0)
            {
                json.WriteStartArray(DatasetFields.QuestionAnswers);
                foreach (var qa in record.Questions)
                {
                    json.WriteStartObject();
                    json.WriteString(DatasetFields.Question, qa.Question);
                    json.WriteString(DatasetFields.Answer, qa.Answer);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            if (record.Captions.Count > 0)
            {
                json.WriteStartArray(DatasetFields.Caption);
                foreach (var caption in record.Captions)
                    json.WriteStringValue(caption);
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
