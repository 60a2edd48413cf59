using System.Text.Json;
using VlmForge.Data.Geometry;

namespace VlmForge.Data.Import;

/// <summary>
/// COCO object detection (<c>instances_*.json</c>: images, annotations with <c>bbox = [x, y, width, height]</c>,
/// categories) and captions (<c>captions_*.json</c>) to grounding and caption records: every category in an image is a
/// phrase with all its boxes (xywh -> xyxy), the sentence lists the phrases. Crowd annotations (<c>iscrowd = 1</c>)
/// mark groups, not objects, and are left out. Images with nothing to learn are left out.
/// </summary>
public static class CocoImporter
{
    private sealed record Image(string Path, ImageSize Size, List<(string Phrase, Geometry.BoundingBox Box)> Boxes, List<string> Captions);

    public static IReadOnlyList<ImportedRecord> Import(string instancesFile, string? captionsFile, string imageFolder, ImportProblems problems)
    {
        ArgumentException.ThrowIfNullOrEmpty(instancesFile);
        ArgumentException.ThrowIfNullOrEmpty(imageFolder);
        ArgumentNullException.ThrowIfNull(problems);
        var images = new Dictionary<long, Image>();
        using (var instances = ImportJson.ParseFile(instancesFile))
        {
            var root = instances.RootElement;
            ReadImages(root, instancesFile, imageFolder, images, problems);
            var categories = new Dictionary<long, string>();
            int index = -1;
            foreach (var category in ImportJson.Array(root, "categories")?.EnumerateArray() ?? throw Missing(instancesFile, "categories"))
            {
                index++;
                if (ImportJson.Integer(category, "id") is long id && ImportJson.String(category, "name") is { Length: > 0 } name)
                    categories[id] = name;
                else
                    problems.Report($"{instancesFile}: categories[{index}]", "a category needs an integer \"id\" and a \"name\"");
            }
            index = -1;
            foreach (var annotation in ImportJson.Array(root, "annotations")?.EnumerateArray() ?? throw Missing(instancesFile, "annotations"))
            {
                index++;
                string where = $"{instancesFile}: annotations[{index}]";
                if (ImportJson.Integer(annotation, "iscrowd") == 1) continue;
                if (ImportJson.Integer(annotation, "image_id") is not long imageId || !images.TryGetValue(imageId, out var image))
                {
                    problems.Report(where, "\"image_id\" names no image of \"images\"");
                    continue;
                }
                if (ImportJson.Integer(annotation, "category_id") is not long categoryId || !categories.TryGetValue(categoryId, out var phrase))
                {
                    problems.Report(where, "\"category_id\" names no category of \"categories\"");
                    continue;
                }
                if (ImportJson.Four(annotation, "bbox") is not { } xywh)
                {
                    problems.Report(where, "\"bbox\" must be [x, y, width, height] (four numbers)");
                    continue;
                }
                if (ImportJson.Box(xywh[0], xywh[1], xywh[0] + xywh[2], xywh[1] + xywh[3], image.Size, out string? error) is { } box)
                    image.Boxes.Add((phrase, box));
                else
                    problems.Report(where, error!);
            }
        }
        if (captionsFile is not null)
            ReadCaptions(captionsFile, imageFolder, images, problems);
        return images.Values
            .Where(i => i.Boxes.Count > 0 || i.Captions.Count > 0)
            .Select(i => new ImportedRecord(i.Path, i.Boxes.Count > 0 ? ImportJson.Grounding(null, i.Boxes) : null, [], i.Captions))
            .ToArray();
    }

    private static void ReadImages(JsonElement root, string file, string imageFolder, Dictionary<long, Image> images, ImportProblems problems)
    {
        int index = -1;
        foreach (var image in ImportJson.Array(root, "images")?.EnumerateArray() ?? throw Missing(file, "images"))
        {
            index++;
            string where = $"{file}: images[{index}]";
            if (ImportJson.Integer(image, "id") is not long id || ImportJson.String(image, "file_name") is not { Length: > 0 } name
                || ImportJson.Integer(image, "width") is not (> 0 and var width) || ImportJson.Integer(image, "height") is not (> 0 and var height))
            {
                problems.Report(where, "an image needs an integer \"id\", a \"file_name\" and positive \"width\" and \"height\"");
                continue;
            }
            string path = Path.GetFullPath(Path.Combine(imageFolder, name));
            if (!File.Exists(path))
            {
                problems.Report(where, $"the image {path} does not exist (pass --images with the folder that holds {name})");
                continue;
            }
            if (!images.TryAdd(id, new Image(path, new ImageSize((int)width, (int)height), [], [])))
                problems.Report(where, $"image id {id} appears twice");
        }
    }

    private static void ReadCaptions(string file, string imageFolder, Dictionary<long, Image> images, ImportProblems problems)
    {
        using var captions = ImportJson.ParseFile(file);
        var root = captions.RootElement;
        // A captions file lists its images too; those without instances are still captioned.
        var known = new Dictionary<long, Image>();
        ReadImages(root, file, imageFolder, known, problems);
        foreach (var (id, image) in known) images.TryAdd(id, image);
        int index = -1;
        foreach (var annotation in ImportJson.Array(root, "annotations")?.EnumerateArray() ?? throw Missing(file, "annotations"))
        {
            index++;
            string where = $"{file}: annotations[{index}]";
            if (ImportJson.Integer(annotation, "image_id") is not long imageId || !images.TryGetValue(imageId, out var image))
                problems.Report(where, "\"image_id\" names no image of \"images\"");
            else if (ImportJson.String(annotation, "caption") is not { } caption || caption.Trim().Length == 0)
                problems.Report(where, "\"caption\" must be a non-empty string");
            else
                image.Captions.Add(caption.Trim());
        }
    }

    private static InvalidDataException Missing(string file, string field) =>
        new($"{file}: no \"{field}\" array; is this a COCO {(field == "categories" ? "instances" : "")} file?");
}
