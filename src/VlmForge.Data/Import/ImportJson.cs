using System.Text.Json;
using VlmForge.Data.Geometry;
using VlmForge.Data.Tasks;

namespace VlmForge.Data.Import;

/// <summary>Shared reading helpers of the importers: fields that say what is wrong, and checked boxes.</summary>
internal static class ImportJson
{
    public static JsonDocument ParseFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} does not exist.", path);
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}:{(e.LineNumber ?? 0) + 1}: not valid JSON ({e.Message})", e);
        }
    }

    public static string? String(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static long? Integer(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) ? n : null;

    public static JsonElement? Array(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v : null;

    /// <summary>Four finite numbers, or null.</summary>
    public static double[]? Four(JsonElement parent, string name)
    {
        if (Array(parent, name) is not { } array || array.GetArrayLength() != 4) return null;
        var values = array.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN).ToArray();
        return values.All(double.IsFinite) ? values : null;
    }

    /// <summary>An <c>[x1, y1, x2, y2]</c> box, or the reason it is not one (inverted, empty, outside the image).</summary>
    public static BoundingBox? Box(double x1, double y1, double x2, double y2, ImageSize? image, out string? error)
    {
        error = null;
        if (!(x2 > x1 && y2 > y1))
        {
            error = $"box [{x1}, {y1}, {x2}, {y2}] is empty or inverted";
            return null;
        }
        const double slack = 1; // annotation tools round out to the next pixel
        if (image is { } size && (x1 < -slack || y1 < -slack || x2 > size.Width + slack || y2 > size.Height + slack))
        {
            error = $"box [{x1}, {y1}, {x2}, {y2}] lies outside the {size.Width} x {size.Height} image";
            return null;
        }
        return new BoundingBox(x1, y1, x2, y2);
    }

    /// <summary>Phrases with their boxes, grouped by phrase in order of first appearance.</summary>
    public static PhraseGrounding Grounding(string? sentence, IEnumerable<(string Phrase, BoundingBox Box)> boxes)
    {
        var phrases = boxes.GroupBy(b => b.Phrase).Select(g => new GroundedPhrase(g.Key, g.Select(b => b.Box).ToArray())).ToArray();
        return new PhraseGrounding(sentence ?? string.Join(", ", phrases.Select(p => p.Phrase)), phrases);
    }
}
