using System.Globalization;
using SkiaSharp;
using VlmForge.Abstractions.IO;
using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Settings;

namespace VlmForge.Data.Datasets;

/// <summary>
/// Loads a JSONL dataset file: one record per line, image paths relative to the file's folder. Every bad
/// line is reported with file and line; with <see cref="RecordErrorPolicy.Skip"/> the other lines all
/// load, with <see cref="RecordErrorPolicy.Fail"/> the first problem throws.
/// </summary>
public static class JsonlDatasetLoader
{
    /// <param name="path">The .jsonl file.</param>
    /// <param name="options">on_error and how much of each image to check.</param>
    /// <param name="report">Called for each problem as it is found (for example to print it).</param>
    public static DatasetLoadResult Load(string path, DatasetLoadOptions? options = null, Action<DatasetProblem>? report = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new DatasetLoadOptions();
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Dataset file '{path}' does not exist.", path);
        }

        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath)!;
        var records = new List<DatasetRecord>();
        var problems = new List<DatasetProblem>();
        var skipped = new SortedDictionary<DatasetProblemKind, int>();
        var images = new Dictionary<string, object>(StringComparer.Ordinal);

        if (FileKinds.WhyNotAFile(fullPath) is { } why)
        {
            throw new FileNotFoundException($"Dataset file {why}; give a .jsonl file or a folder holding train.jsonl.", path);
        }

        foreach (var (lineNumber, line, encodingError) in Utf8Lines.Read(fullPath))
        {
            DatasetRecord? record = null;
            DatasetProblem? problem;
            if (encodingError is not null)
            {
                problem = new DatasetProblem(path, lineNumber, encodingError.Value.Column, DatasetProblemKind.InvalidEncoding,
                    $"the line is not valid UTF-8 ({encodingError.Value.Message}); save the file as UTF-8");
            }
            else if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            else
            {
                record = ReadRecord(line!, path, lineNumber, folder, options, images, out problem);
            }

            if (record is not null)
            {
                records.Add(record);
                continue;
            }

            report?.Invoke(problem!);
            if (options.OnError == RecordErrorPolicy.Fail)
            {
                throw new DatasetFormatException(problem! with
                {
                    Message = problem.Message + " (dataset.on_error = \"fail\"; set it to \"skip\" to load the other records)",
                });
            }

            problems.Add(problem!);
            skipped[problem!.Kind] = skipped.GetValueOrDefault(problem.Kind) + 1;
        }

        return new DatasetLoadResult(records, problems, new DatasetLoadSummary(path, records.Count, skipped));
    }

    private static DatasetRecord? ReadRecord(
        string line, string file, int lineNumber, string folder, DatasetLoadOptions options, Dictionary<string, object> images, out DatasetProblem? problem)
    {
        problem = null;
        ParsedLine? parsed = DatasetLineParser.Parse(line, out LineError? error);
        if (parsed is null)
        {
            problem = new DatasetProblem(file, lineNumber, error!.Column, error.Kind, error.Message);
            return null;
        }

        string imagePath;
        try
        {
            imagePath = Path.GetFullPath(Path.Combine(folder, parsed.Image));
        }
        catch (Exception ex) when (ex is ArgumentException or PathTooLongException or NotSupportedException)
        {
            problem = new DatasetProblem(file, lineNumber, null, DatasetProblemKind.InvalidPath, $"image \"{Printable(parsed.Image)}\" is not a usable path: {ex.Message}");
            return null;
        }
        // Several records may share an image (one per question, say): each file is read once per load.
        if (!images.TryGetValue(imagePath, out object? known))
        {
            try
            {
                known = options.ImageCheck == ImageCheck.FullDecode
                    ? DecodeForSize(imagePath, options.MaxImagePixels)
                    : ImageDecoder.ReadSize(imagePath, options.MaxImagePixels);
            }
            catch (ImageDecodeException ex)
            {
                known = ex;
            }

            images[imagePath] = known;
        }

        if (known is ImageDecodeException failure)
        {
            var kind = failure.IsMissing ? DatasetProblemKind.ImageMissing : DatasetProblemKind.ImageCorrupt;
            problem = new DatasetProblem(file, lineNumber, null, kind, $"image \"{parsed.Image}\": {failure.Message}");
            return null;
        }

        var size = (ImageSize)known;

        if (parsed.Grounding is not null)
        {
            for (int g = 0; g < parsed.Grounding.Groundings.Count; g++)
            {
                var phrase = parsed.Grounding.Groundings[g];
                for (int b = 0; b < phrase.Boxes.Count; b++)
                {
                    if (!phrase.Boxes[b].IsInside(size))
                    {
                        problem = new DatasetProblem(
                            file,
                            lineNumber,
                            null,
                            DatasetProblemKind.BoxOutsideImage,
                            string.Create(
                                CultureInfo.InvariantCulture,
                                $"phrase_grounding.groundings[{g}].grounding[{b}]: box {phrase.Boxes[b]} of \"{phrase.Phrase}\" lies outside the {size.Width}x{size.Height} image; boxes are absolute pixels [x1, y1, x2, y2] with 0 <= x1 < x2 <= width and 0 <= y1 < y2 <= height"));
                        return null;
                    }
                }
            }
        }

        return new DatasetRecord
        {
            SourceFile = file,
            LineNumber = lineNumber,
            Id = parsed.Id ?? $"{Path.GetFileName(file)}:{lineNumber}",
            ImageReference = parsed.Image,
            ImagePath = imagePath,
            ImageSize = size,
            Grounding = parsed.Grounding,
            Questions = parsed.Questions,
            Captions = parsed.Captions,
        };
    }

    private static ImageSize DecodeForSize(string path, long maxPixels)
    {
        using SKBitmap bitmap = ImageDecoder.Decode(path, maxPixels);
        return new ImageSize(bitmap.Width, bitmap.Height);
    }

    /// <summary>A path as it can be printed: control characters shown as <c>\uXXXX</c>.</summary>
    private static string Printable(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
