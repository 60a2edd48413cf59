using System.Text.Json;
using VlmForge.Data.Datasets;

namespace VlmForge.Data.Import;

/// <summary>
/// LLaVA-style instruction data (a JSON array of <c>{"id", "image", "conversations": [{"from": "human", "value":
/// "&lt;image&gt;\nQuestion"}, {"from": "gpt", "value": "Answer"}, ...]}</c>) to VQA records: each human turn and the
/// gpt turn after it become one question and answer, the <c>&lt;image&gt;</c> placeholder removed.
/// </summary>
public static class LlavaImporter
{
    public static IReadOnlyList<ImportedRecord> Import(string file, string imageFolder, ImportProblems problems)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        ArgumentException.ThrowIfNullOrEmpty(imageFolder);
        ArgumentNullException.ThrowIfNull(problems);
        using var document = ImportJson.ParseFile(file);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{file}: a LLaVA file is a JSON array of conversations.");
        var records = new List<ImportedRecord>();
        int index = -1;
        foreach (var item in document.RootElement.EnumerateArray())
        {
            index++;
            string where = $"{file}: [{index}]" + (ImportJson.String(item, "id") is { } id ? $" (id {id})" : "");
            if (Read(item, imageFolder, out string? error) is { } record)
                records.Add(record);
            else
                problems.Report(where, error!);
        }
        return records;
    }

    private static ImportedRecord? Read(JsonElement item, string imageFolder, out string? error)
    {
        error = null;
        if (ImportJson.String(item, "image") is not { Length: > 0 } name)
        {
            error = "no \"image\": text-only conversations cannot train a vision-language task";
            return null;
        }
        string path = Path.GetFullPath(Path.Combine(imageFolder, name));
        if (!File.Exists(path))
        {
            error = $"the image {path} does not exist (pass --images with the folder that holds {name})";
            return null;
        }
        if (ImportJson.Array(item, "conversations") is not { } turns)
        {
            error = "no \"conversations\" array";
            return null;
        }
        var pairs = new List<QuestionAnswer>();
        string? question = null;
        int index = -1;
        foreach (var turn in turns.EnumerateArray())
        {
            index++;
            string? from = ImportJson.String(turn, "from");
            string? value = ImportJson.String(turn, "value");
            if (value is null || from is null)
            {
                error = $"conversations[{index}] needs \"from\" and \"value\" strings";
                return null;
            }
            switch (from)
            {
                case "human" or "user" when question is null:
                    question = value.Replace("<image>", "", StringComparison.Ordinal).Trim();
                    break;
                case "gpt" or "assistant" when question is not null:
                    if (question.Length == 0 || value.Trim().Length == 0)
                    {
                        error = $"conversations[{index}]: an empty question or answer";
                        return null;
                    }
                    pairs.Add(new QuestionAnswer(question, value.Trim()));
                    question = null;
                    break;
                default:
                    error = $"conversations[{index}] is from \"{from}\" where a {(question is null ? "human" : "gpt")} turn was expected (turns alternate human, gpt)";
                    return null;
            }
        }
        if (pairs.Count == 0)
        {
            error = "no human/gpt pair";
            return null;
        }
        return new ImportedRecord(path, null, pairs, []);
    }
}
