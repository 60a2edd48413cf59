using System.Text.Json;
using VlmForge.Data.Geometry;

namespace VlmForge.Data.Tasks;

/// <summary>
/// Reads the phrase-grounding shape from a parsed JSON element and says exactly what is wrong. Shared by
/// the answer parser and the dataset loader (a dataset record's "phrase_grounding" has the same shape).
/// Rules: both objects need exactly their two keys (any order, no duplicates, no others); strings are
/// non-empty; "grounding" holds at least one box; a box is four finite, non-negative numbers with
/// x1 &lt; x2 and y1 &lt; y2.
/// </summary>
public static class GroundingJsonReader
{
    /// <summary>Reads the value of "phrase_grounding" (the object with "sentence" and "groundings").</summary>
    public static PhraseGrounding? ReadBody(JsonElement body, string path, out GroundingFormatError? error)
    {
        error = null;
        if (!ExpectObject(body, path, out error)
            || !ReadMembers(body, path, [GroundingJsonFormat.Sentence, GroundingJsonFormat.Groundings], out var members, out error))
        {
            return null;
        }

        string sentencePath = $"{path}.{GroundingJsonFormat.Sentence}";
        if (!ReadNonEmptyString(members[0], sentencePath, out string sentence, out error))
        {
            return null;
        }

        JsonElement groundingsElement = members[1];
        string groundingsPath = $"{path}.{GroundingJsonFormat.Groundings}";
        if (groundingsElement.ValueKind != JsonValueKind.Array)
        {
            error = WrongType(groundingsPath, "an array of {\"phrase\": ..., \"grounding\": [...]} objects", groundingsElement);
            return null;
        }

        var groundings = new List<GroundedPhrase>();
        int index = 0;
        foreach (JsonElement item in groundingsElement.EnumerateArray())
        {
            GroundedPhrase? phrase = ReadPhrase(item, $"{groundingsPath}[{index}]", out error);
            if (phrase is null)
            {
                return null;
            }

            groundings.Add(phrase);
            index++;
        }

        return new PhraseGrounding(sentence, groundings);
    }

    /// <summary>Reads a whole answer document: an object whose only key is "phrase_grounding".</summary>
    public static PhraseGrounding? ReadDocument(JsonElement root, out GroundingFormatError? error)
    {
        if (!ExpectObject(root, "$", out error)
            || !ReadMembers(root, "$", [GroundingJsonFormat.Root], out var members, out error))
        {
            return null;
        }

        return ReadBody(members[0], $"$.{GroundingJsonFormat.Root}", out error);
    }

    private static GroundedPhrase? ReadPhrase(JsonElement item, string path, out GroundingFormatError? error)
    {
        if (!ExpectObject(item, path, out error)
            || !ReadMembers(item, path, [GroundingJsonFormat.Phrase, GroundingJsonFormat.Grounding], out var members, out error)
            || !ReadNonEmptyString(members[0], $"{path}.{GroundingJsonFormat.Phrase}", out string phrase, out error))
        {
            return null;
        }

        string boxesPath = $"{path}.{GroundingJsonFormat.Grounding}";
        JsonElement boxesElement = members[1];
        if (boxesElement.ValueKind != JsonValueKind.Array)
        {
            error = WrongType(boxesPath, "an array of boxes [[x1, y1, x2, y2], ...]", boxesElement);
            return null;
        }

        var boxes = new List<BoundingBox>();
        int index = 0;
        foreach (JsonElement boxElement in boxesElement.EnumerateArray())
        {
            if (!ReadBox(boxElement, $"{boxesPath}[{index}]", out BoundingBox box, out error))
            {
                return null;
            }

            boxes.Add(box);
            index++;
        }

        if (boxes.Count == 0)
        {
            error = new GroundingFormatError(GroundingErrorKind.EmptyValue, boxesPath, "a phrase needs at least one box [x1, y1, x2, y2]");
            return null;
        }

        return new GroundedPhrase(phrase, boxes);
    }

    private static bool ReadBox(JsonElement element, string path, out BoundingBox box, out GroundingFormatError? error)
    {
        box = default;
        error = null;
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() != 4
            || element.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Number))
        {
            string found = element.ValueKind == JsonValueKind.Array
                ? $"an array of {element.GetArrayLength()} value(s)"
                : Describe(element);
            error = new GroundingFormatError(GroundingErrorKind.WrongType, path, $"expected a box of four numbers [x1, y1, x2, y2], found {found}");
            return false;
        }

        double[] v = element.EnumerateArray().Select(e => e.GetDouble()).ToArray();
        if (v.Any(x => !double.IsFinite(x)))
        {
            error = new GroundingFormatError(GroundingErrorKind.WrongType, path, "box coordinates must be finite numbers");
            return false;
        }

        if (v.Any(x => x < 0))
        {
            error = new GroundingFormatError(GroundingErrorKind.NegativeCoordinate, path, $"box {Format(v)} has a negative coordinate; pixels start at 0");
            return false;
        }

        if (v[0] >= v[2] || v[1] >= v[3])
        {
            error = new GroundingFormatError(
                GroundingErrorKind.InvertedBox,
                path,
                $"box {Format(v)} is inverted or empty: it needs x1 < x2 and y1 < y2 ([x1, y1, x2, y2], top-left then bottom-right)");
            return false;
        }

        box = new BoundingBox(v[0], v[1], v[2], v[3]);
        return true;
    }

    private static bool ExpectObject(JsonElement element, string path, out GroundingFormatError? error)
    {
        error = element.ValueKind == JsonValueKind.Object ? null : WrongType(path, "an object", element);
        return error is null;
    }

    /// <summary>Collects exactly the <paramref name="keys"/> of an object, in the order given.</summary>
    private static bool ReadMembers(JsonElement obj, string path, string[] keys, out JsonElement[] values, out GroundingFormatError? error)
    {
        values = new JsonElement[keys.Length];
        var seen = new bool[keys.Length];
        error = null;
        foreach (JsonProperty property in obj.EnumerateObject())
        {
            int index = Array.IndexOf(keys, property.Name);
            if (index < 0)
            {
                error = new GroundingFormatError(
                    GroundingErrorKind.UnknownField,
                    $"{path}.{property.Name}",
                    $"unknown key \"{property.Name}\"; allowed here: {string.Join(", ", keys.Select(k => $"\"{k}\""))}");
                return false;
            }

            if (seen[index])
            {
                error = new GroundingFormatError(GroundingErrorKind.DuplicateField, $"{path}.{property.Name}", $"key \"{property.Name}\" appears twice");
                return false;
            }

            seen[index] = true;
            values[index] = property.Value;
        }

        for (int i = 0; i < keys.Length; i++)
        {
            if (!seen[i])
            {
                error = new GroundingFormatError(GroundingErrorKind.MissingField, $"{path}.{keys[i]}", $"missing key \"{keys[i]}\"");
                return false;
            }
        }

        return true;
    }

    private static bool ReadNonEmptyString(JsonElement element, string path, out string value, out GroundingFormatError? error)
    {
        value = string.Empty;
        error = null;
        if (element.ValueKind != JsonValueKind.String)
        {
            error = WrongType(path, "a string", element);
            return false;
        }

        value = element.GetString()!;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = new GroundingFormatError(GroundingErrorKind.EmptyValue, path, "must not be empty");
            return false;
        }

        return true;
    }

    private static GroundingFormatError WrongType(string path, string expected, JsonElement found) =>
        new(GroundingErrorKind.WrongType, path, $"expected {expected}, found {Describe(found)}");

    internal static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{Truncate(element.GetString()!)}\"",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {element.GetRawText()}",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "...";

    private static string Format(double[] v) =>
        "[" + string.Join(", ", v.Select(x => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]";
}
