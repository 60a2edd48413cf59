using System.Text.Json;
using VlmForge.Data.Tasks;

namespace VlmForge.Data.Datasets;

/// <summary>The content of one dataset line before its image has been looked at.</summary>
internal sealed record ParsedLine(
    string? Id,
    string Image,
    PhraseGrounding? Grounding,
    IReadOnlyList<QuestionAnswer> Questions,
    IReadOnlyList<string> Captions);

/// <summary>A line's mistake before it becomes a <see cref="DatasetProblem"/>.</summary>
internal sealed record LineError(DatasetProblemKind Kind, string Message, int? Column = null);

/// <summary>Parses and checks the JSON of one dataset line (types, required fields, box order).</summary>
internal static class DatasetLineParser
{
    public static ParsedLine? Parse(string line, out LineError? error)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            int? column = ex.BytePositionInLine is long position ? (int)position + 1 : null;
            string message = ex.Message;
            int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            error = new LineError(DatasetProblemKind.InvalidJson, $"not valid JSON: {(cut > 0 ? message[..cut] : message)}", column);
            return null;
        }

        using (document)
        {
            try
            {
                return Read(document.RootElement, out error);
            }
            catch (InvalidOperationException ex)
            {
                // System.Text.Json accepts an escaped lone surrogate ("\ud800") but cannot turn it into a string.
                error = new LineError(DatasetProblemKind.InvalidJson, $"not valid JSON text: {ex.Message} (an escaped surrogate \\uD800-\\uDFFF without its pair)");
                return null;
            }
        }
    }

    private static ParsedLine? Read(JsonElement root, out LineError? error)
    {
        error = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = new LineError(DatasetProblemKind.WrongType, $"a line must be one JSON object, found {GroundingJsonReader.Describe(root)}");
            return null;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty property in root.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                error = new LineError(DatasetProblemKind.DuplicateField, $"field \"{property.Name}\" appears twice");
                return null;
            }

            if (!DatasetFields.All.Contains(property.Name))
            {
                string hint = Suggest(property.Name) is string near ? $" Did you mean \"{near}\"?" : string.Empty;
                error = new LineError(
                    DatasetProblemKind.UnknownField,
                    $"unknown field \"{property.Name}\".{hint} Allowed: {string.Join(", ", DatasetFields.All)} (put anything else under \"meta\").");
                return null;
            }
        }

        string? id = null;
        if (root.TryGetProperty(DatasetFields.Id, out JsonElement idElement))
        {
            if (!ReadString(idElement, DatasetFields.Id, out id, out error))
            {
                return null;
            }
        }

        if (!root.TryGetProperty(DatasetFields.Image, out JsonElement imageElement))
        {
            error = new LineError(DatasetProblemKind.MissingField, "missing field \"image\" (the image path, relative to this file's folder)");
            return null;
        }

        if (!ReadString(imageElement, DatasetFields.Image, out string? image, out error))
        {
            return null;
        }

        bool hasGrounding = root.TryGetProperty(DatasetFields.PhraseGrounding, out JsonElement groundingElement);
        bool hasQuestions = root.TryGetProperty(DatasetFields.QuestionAnswers, out JsonElement qaElement);
        bool hasCaption = root.TryGetProperty(DatasetFields.Caption, out JsonElement captionElement);
        if (!hasGrounding && !hasQuestions && !hasCaption)
        {
            error = new LineError(DatasetProblemKind.MissingField, "the record has no task data: give at least one of \"phrase_grounding\", \"qa\", \"caption\"");
            return null;
        }

        PhraseGrounding? grounding = null;
        if (hasGrounding)
        {
            grounding = GroundingJsonReader.ReadBody(groundingElement, DatasetFields.PhraseGrounding, out GroundingFormatError? groundingError);
            if (grounding is null)
            {
                error = new LineError(MapKind(groundingError!.Kind), groundingError.ToString());
                return null;
            }
        }

        IReadOnlyList<QuestionAnswer> questions = [];
        if (hasQuestions && !ReadQuestions(qaElement, out questions, out error))
        {
            return null;
        }

        IReadOnlyList<string> captions = [];
        if (hasCaption && !ReadCaptions(captionElement, out captions, out error))
        {
            return null;
        }

        return new ParsedLine(id, image!, grounding, questions, captions);
    }

    private static bool ReadQuestions(JsonElement element, out IReadOnlyList<QuestionAnswer> questions, out LineError? error)
    {
        questions = [];
        error = null;
        if (element.ValueKind != JsonValueKind.Array)
        {
            error = new LineError(DatasetProblemKind.WrongType, $"\"qa\" must be an array of {{\"question\": ..., \"answer\": ...}} objects, found {GroundingJsonReader.Describe(element)}");
            return false;
        }

        var list = new List<QuestionAnswer>();
        int index = 0;
        foreach (JsonElement item in element.EnumerateArray())
        {
            string path = $"qa[{index}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                error = new LineError(DatasetProblemKind.WrongType, $"{path} must be an object with \"question\" and \"answer\", found {GroundingJsonReader.Describe(item)}");
                return false;
            }

            foreach (JsonProperty property in item.EnumerateObject())
            {
                if (property.Name is not (DatasetFields.Question or DatasetFields.Answer))
                {
                    error = new LineError(DatasetProblemKind.UnknownField, $"{path}: unknown field \"{property.Name}\"; allowed: question, answer");
                    return false;
                }
            }

            string? question = null;
            string? answer = null;
            foreach (string field in new[] { DatasetFields.Question, DatasetFields.Answer })
            {
                if (!item.TryGetProperty(field, out JsonElement value))
                {
                    error = new LineError(DatasetProblemKind.MissingField, $"{path}: missing field \"{field}\"");
                    return false;
                }

                if (!ReadString(value, $"{path}.{field}", out string? text, out error))
                {
                    return false;
                }

                if (field == DatasetFields.Question)
                {
                    question = text;
                }
                else
                {
                    answer = text;
                }
            }

            list.Add(new QuestionAnswer(question!, answer!));
            index++;
        }

        if (list.Count == 0)
        {
            error = new LineError(DatasetProblemKind.EmptyValue, "\"qa\" is empty; give at least one question/answer pair or leave the field out");
            return false;
        }

        questions = list;
        return true;
    }

    private static bool ReadCaptions(JsonElement element, out IReadOnlyList<string> captions, out LineError? error)
    {
        captions = [];
        error = null;
        if (element.ValueKind == JsonValueKind.String)
        {
            if (!ReadString(element, DatasetFields.Caption, out string? caption, out error))
            {
                return false;
            }

            captions = [caption!];
            return true;
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            error = new LineError(DatasetProblemKind.WrongType, $"\"caption\" must be a string or an array of strings, found {GroundingJsonReader.Describe(element)}");
            return false;
        }

        var list = new List<string>();
        int index = 0;
        foreach (JsonElement item in element.EnumerateArray())
        {
            if (!ReadString(item, $"caption[{index}]", out string? caption, out error))
            {
                return false;
            }

            list.Add(caption!);
            index++;
        }

        if (list.Count == 0)
        {
            error = new LineError(DatasetProblemKind.EmptyValue, "\"caption\" is an empty array; give at least one caption or leave the field out");
            return false;
        }

        captions = list;
        return true;
    }

    private static bool ReadString(JsonElement element, string path, out string? value, out LineError? error)
    {
        value = null;
        error = null;
        if (element.ValueKind != JsonValueKind.String)
        {
            error = new LineError(DatasetProblemKind.WrongType, $"\"{path}\" must be a string, found {GroundingJsonReader.Describe(element)}");
            return false;
        }

        value = element.GetString();
        if (string.IsNullOrWhiteSpace(value))
        {
            error = new LineError(DatasetProblemKind.EmptyValue, $"\"{path}\" must not be empty");
            return false;
        }

        return true;
    }

    private static DatasetProblemKind MapKind(GroundingErrorKind kind) => kind switch
    {
        GroundingErrorKind.MissingField => DatasetProblemKind.MissingField,
        GroundingErrorKind.WrongType => DatasetProblemKind.WrongType,
        GroundingErrorKind.UnknownField => DatasetProblemKind.UnknownField,
        GroundingErrorKind.DuplicateField => DatasetProblemKind.DuplicateField,
        GroundingErrorKind.EmptyValue => DatasetProblemKind.EmptyValue,
        GroundingErrorKind.InvertedBox => DatasetProblemKind.BoxInverted,
        GroundingErrorKind.NegativeCoordinate => DatasetProblemKind.BoxOutsideImage,
        _ => DatasetProblemKind.InvalidJson,
    };

    /// <summary>The allowed field closest to a misspelt one (edit distance at most 3).</summary>
    private static string? Suggest(string name)
    {
        string? best = null;
        int bestDistance = 4;
        foreach (string candidate in DatasetFields.All)
        {
            int distance = EditDistance(name.ToLowerInvariant(), candidate);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
