using System.Globalization;
using System.Text.Json;

namespace VlmForge.Data.Tokenization.HuggingFace;

/// <summary>
/// Reads the "slow" tokenizer files of a snapshot without tokenizer.json: <c>vocab.json</c>, <c>merges.txt</c> and
/// <c>tokenizer_config.json</c> (its <c>tokenizer_class</c> picks the pre-tokenizer, its <c>added_tokens_decoder</c>
/// lists the added tokens). Known classes: Qwen2Tokenizer (NFC, Qwen2's split pattern) and GPT2Tokenizer.
/// </summary>
public static class VocabMergesReader
{
    /// <summary>Qwen2's pre-tokenization pattern (one digit per piece, letters with one leading non-letter).</summary>
    public const string Qwen2Pattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    public static TokenizerDefinition Read(string vocabPath, string mergesPath, string configPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(vocabPath);
        ArgumentException.ThrowIfNullOrEmpty(mergesPath);
        ArgumentException.ThrowIfNullOrEmpty(configPath);
        Dictionary<string, int> vocabulary;
        using (JsonDocument vocab = Parse(vocabPath))
        {
            if (vocab.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new TokenizerFormatException(vocabPath, "$", "the vocabulary must be a JSON object of token to id");
            }

            vocabulary = TokenizerJsonReader.ReadVocabulary(vocabPath, vocab.RootElement, "$");
        }

        var merges = new List<string>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(mergesPath))
        {
            lineNumber++;
            if (line.Length == 0 || (lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal)))
            {
                continue;
            }

            if (line.Split(' ').Length != 2)
            {
                throw new TokenizerFormatException(mergesPath, $"line {lineNumber}", $"a merge must be two tokens separated by one space, got '{line}'");
            }

            merges.Add(line);
        }

        using JsonDocument config = Parse(configPath);
        JsonElement root = config.RootElement;
        string tokenizerClass = root.TryGetProperty("tokenizer_class", out JsonElement c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "";
        (bool nfc, PreTokenizerStep[] steps) = tokenizerClass switch
        {
            "Qwen2Tokenizer" or "Qwen2TokenizerFast" =>
                (true, new PreTokenizerStep[] { new RegexSplitStep(Qwen2Pattern, SplitBehavior.Isolated), new ByteLevelSplitStep(useRegex: false) }),
            "GPT2Tokenizer" or "GPT2TokenizerFast" => (false, new PreTokenizerStep[] { new ByteLevelSplitStep(useRegex: true) }),
            _ => throw new TokenizerFormatException(
                configPath, "$.tokenizer_class",
                $"tokenizer class '{tokenizerClass}' is unknown without a tokenizer.json (Qwen2Tokenizer and GPT2Tokenizer are known); add the snapshot's tokenizer.json"),
        };

        var added = new List<AddedToken>();
        if (root.TryGetProperty("added_tokens_decoder", out JsonElement decoder) && decoder.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty entry in decoder.EnumerateObject())
            {
                string location = $"$.added_tokens_decoder[\"{entry.Name}\"]";
                if (!int.TryParse(entry.Name, NumberStyles.None, CultureInfo.InvariantCulture, out int id)
                    || entry.Value.ValueKind != JsonValueKind.Object
                    || !entry.Value.TryGetProperty("content", out JsonElement content) || content.ValueKind != JsonValueKind.String)
                {
                    throw new TokenizerFormatException(configPath, location, "an added token needs an integer key and a string \"content\"");
                }

                added.Add(TokenizerJsonReader.ReadAddedToken(configPath, location, id, content.GetString()!, entry.Value));
            }
        }

        return new TokenizerDefinition(
            $"{vocabPath} + {mergesPath}", vocabulary, merges, [.. added.OrderBy(a => a.Id)], nfc, steps);
    }

    private static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new TokenizerFormatException(
                path, $"line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}", $"not valid JSON ({ex.Message})", ex);
        }
    }
}
