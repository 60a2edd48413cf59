using System.Text.Json;
using VlmForge.Data.Geometry;

namespace VlmForge.Data.Import;

/// <summary>
/// ODVG (GroundingDINO / Open-GroundingDINO's JSONL, one image per line) to grounding records. A line has
/// <c>filename</c>, <c>height</c>, <c>width</c> and either <c>grounding: {caption, regions: [{bbox, phrase}]}</c>
/// (referring expressions, as RefCOCO converted to ODVG) or <c>detection: {instances: [{bbox, label, category}]}</c>;
/// boxes are already <c>[x1, y1, x2, y2]</c>. Regions with the same phrase become one phrase with several boxes.
/// </summary>
public static class OdvgImporter
{
    public static IReadOnlyList<ImportedRecord> Import(string file, string imageFolder, ImportProblems problems)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        ArgumentException.ThrowIfNullOrEmpty(imageFolder);
        ArgumentNullException.ThrowIfNull(problems);
        if (!File.Exists(file)) throw new FileNotFoundException($"{file} does not exist.", file);
        var records = new List<ImportedRecord>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(file))
        {
            lineNumber++;
            if (line.Trim().Length == 0) continue;
            string where = $"{file}:{lineNumber}";
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException e)
            {
                problems.Report(where, $"not valid JSON ({e.Message})");
                continue;
            }
            using (document)
            {
                if (Read(document.RootElement, imageFolder, out string? error) is { } record)
                    records.Add(record);
                else
                    problems.Report(where, error!);
            }
        }
        return records;
    }

    private static ImportedRecord? Read(JsonElement root, string imageFolder, out string? error)
    {
        error = null;
        if (ImportJson.String(root, "filename") is not { Length: > 0 } name)
        {
            error = "a line needs a \"filename\"";
            return null;
        }
        string path = Path.GetFullPath(Path.Combine(imageFolder, name));
        if (!File.Exists(path))
        {
            error = $"the image {path} does not exist (pass --images with the folder that holds {name})";
            return null;
        }
        ImageSize? size = ImportJson.Integer(root, "width") is > 0 and long w && ImportJson.Integer(root, "height") is > 0 and long h
            ? new ImageSize((int)w, (int)h) : null;
        string? sentence;
        JsonElement items;
        string phraseField;
        if (root.TryGetProperty("grounding", out var grounding) && ImportJson.Array(grounding, "regions") is { } regions)
        {
            (sentence, items, phraseField) = (ImportJson.String(grounding, "caption"), regions, "phrase");
        }
        else if (root.TryGetProperty("detection", out var detection) && ImportJson.Array(detection, "instances") is { } instances)
        {
            (sentence, items, phraseField) = (null, instances, "category");
        }
        else
        {
            error = "a line needs \"grounding\": {\"caption\", \"regions\": [...]} or \"detection\": {\"instances\": [...]}";
            return null;
        }
        var boxes = new List<(string, BoundingBox)>();
        int index = -1;
        foreach (var item in items.EnumerateArray())
        {
            index++;
            string? phrase = ImportJson.String(item, phraseField);
            var xyxy = ImportJson.Four(item, "bbox");
            if (phrase is not { Length: > 0 } || xyxy is null)
            {
                error = $"{phraseField}s[{index}] needs a \"{phraseField}\" and a \"bbox\" of four numbers";
                return null;
            }
            if (ImportJson.Box(xyxy[0], xyxy[1], xyxy[2], xyxy[3], size, out string? boxError) is not { } box)
            {
                error = $"{phraseField}s[{index}]: {boxError}";
                return null;
            }
            boxes.Add((phrase, box));
        }
        if (boxes.Count == 0)
        {
            error = "no region or instance to ground";
            return null;
        }
        return new ImportedRecord(path, ImportJson.Grounding(sentence, boxes), [], []);
    }
}
