using System.Text.Json;

namespace VlmForge.Data.Tokenization.HuggingFace;

/// <summary>
/// Reads a Hugging Face <c>tokenizer.json</c> whose model is byte-level BPE (Qwen2, SmolLM/SmolVLM, GPT-2, Llama 3).
/// Normalizers: none or NFC. Pre-tokenizers: <c>Split</c> (regex, isolated or removed), <c>Digits</c>,
/// <c>ByteLevel</c> (without a prefix space) and <c>Sequence</c> of those. Anything else is refused with the JSON path
/// that holds it, because encoding it differently from the reference would silently change the token ids.
/// </summary>
public static class TokenizerJsonReader
{
    public static TokenizerDefinition Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new TokenizerFormatException(
                path, $"line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}", $"not valid JSON ({ex.Message})", ex);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new TokenizerFormatException(path, "$", "the file must hold a JSON object");
            }

            JsonElement model = Required(path, root, "model", "$", JsonValueKind.Object);
            string type = model.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "BPE";
            if (type != "BPE")
            {
                throw new TokenizerFormatException(path, "$.model.type", $"model type '{type}' is not supported; only byte-level BPE tokenizers are");
            }

            if (model.TryGetProperty("byte_fallback", out JsonElement fallback) && fallback.ValueKind == JsonValueKind.True)
            {
                throw new TokenizerFormatException(path, "$.model.byte_fallback", "byte fallback (SentencePiece-style BPE) is not supported");
            }

            RefuseModelOptions(path, model);
            bool ignoreMerges = model.TryGetProperty("ignore_merges", out JsonElement ignore) && ignore.ValueKind == JsonValueKind.True;
            Dictionary<string, int> vocabulary = ReadVocabulary(path, Required(path, model, "vocab", "$.model", JsonValueKind.Object), "$.model.vocab");
            List<string> merges = ReadMerges(path, Required(path, model, "merges", "$.model", JsonValueKind.Array));
            List<AddedToken> added = ReadAddedTokens(path, root);
            bool nfc = ReadNormalizer(path, root);
            (List<PreTokenizerStep> steps, bool byteLevel) = ReadPreTokenizer(path, root);
            if (!byteLevel)
            {
                throw new TokenizerFormatException(
                    path, "$.pre_tokenizer", "no ByteLevel pre-tokenizer: only byte-level BPE tokenizers (GPT-2 alphabet) are supported");
            }

            return new TokenizerDefinition(path, vocabulary, merges, added, nfc, steps, ignoreMerges);
        }
    }

    /// <summary>BPE options that change which ids come out and that this encoder does not implement are refused, not ignored.</summary>
    private static void RefuseModelOptions(string path, JsonElement model)
    {
        if (model.TryGetProperty("dropout", out JsonElement dropout) && dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() != 0)
        {
            throw new TokenizerFormatException(path, "$.model.dropout", "BPE dropout (random merges) is not supported");
        }

        foreach (string affix in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
        {
            if (model.TryGetProperty(affix, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0)
            {
                throw new TokenizerFormatException(path, $"$.model.{affix}", $"a BPE {affix.Replace('_', ' ')} is not supported (byte-level BPE has none)");
            }
        }
    }

    internal static Dictionary<string, int> ReadVocabulary(string path, JsonElement vocab, string location)
    {
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (JsonProperty entry in vocab.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int id) || id < 0)
            {
                throw new TokenizerFormatException(path, $"{location}[{Quote(entry.Name)}]", "a token id must be a non-negative integer");
            }

            vocabulary[entry.Name] = id;
        }

        return vocabulary;
    }

    private static List<string> ReadMerges(string path, JsonElement merges)
    {
        var result = new List<string>(merges.GetArrayLength());
        int index = 0;
        foreach (JsonElement merge in merges.EnumerateArray())
        {
            string location = $"$.model.merges[{index}]";
            if (merge.ValueKind == JsonValueKind.String)
            {
                string text = merge.GetString()!;
                if (text.Split(' ').Length != 2)
                {
                    throw new TokenizerFormatException(path, location, $"a merge must be two tokens separated by one space, got '{text}'");
                }

                result.Add(text);
            }
            else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2
                     && merge[0].ValueKind == JsonValueKind.String && merge[1].ValueKind == JsonValueKind.String)
            {
                // tokenizers >= 0.20 writes merges as pairs; a pair whose tokens hold spaces has no "a b" form.
                string left = merge[0].GetString()!;
                string right = merge[1].GetString()!;
                if (left.Contains(' ', StringComparison.Ordinal) || right.Contains(' ', StringComparison.Ordinal))
                {
                    throw new TokenizerFormatException(path, location, "merge tokens with spaces are not supported (byte-level vocabularies write spaces as 'Ġ')");
                }

                result.Add(left + " " + right);
            }
            else
            {
                throw new TokenizerFormatException(path, location, "a merge must be a string \"a b\" or a pair [\"a\", \"b\"]");
            }

            index++;
        }

        return result;
    }

    private static List<AddedToken> ReadAddedTokens(string path, JsonElement root)
    {
        var result = new List<AddedToken>();
        if (!root.TryGetProperty("added_tokens", out JsonElement tokens) || tokens.ValueKind == JsonValueKind.Null)
        {
            return result;
        }

        if (tokens.ValueKind != JsonValueKind.Array)
        {
            throw new TokenizerFormatException(path, "$.added_tokens", "must be an array");
        }

        int index = 0;
        foreach (JsonElement token in tokens.EnumerateArray())
        {
            string location = $"$.added_tokens[{index++}]";
            if (token.ValueKind != JsonValueKind.Object
                || !token.TryGetProperty("id", out JsonElement id) || !id.TryGetInt32(out int value) || value < 0
                || !token.TryGetProperty("content", out JsonElement content) || content.ValueKind != JsonValueKind.String)
            {
                throw new TokenizerFormatException(path, location, "an added token needs an integer \"id\" and a string \"content\"");
            }

            result.Add(ReadAddedToken(path, location, value, content.GetString()!, token));
        }

        return result;
    }

    /// <summary>One added token; lstrip/rstrip change which text maps to the token and are refused rather than ignored.</summary>
    internal static AddedToken ReadAddedToken(string path, string location, int id, string content, JsonElement token)
    {
        foreach (string flag in new[] { "lstrip", "rstrip", "single_word" })
        {
            if (token.TryGetProperty(flag, out JsonElement value) && value.ValueKind == JsonValueKind.True)
            {
                throw new TokenizerFormatException(path, $"{location}.{flag}", $"added token '{content}' sets {flag}, which is not supported");
            }
        }

        bool special = token.TryGetProperty("special", out JsonElement s) && s.ValueKind == JsonValueKind.True;
        // Absent, "normalized" defaults to !special, as transformers' AddedToken does.
        bool normalized = token.TryGetProperty("normalized", out JsonElement n) && n.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? n.ValueKind == JsonValueKind.True
            : !special;
        return new AddedToken(id, content, special, normalized);
    }

    private static bool ReadNormalizer(string path, JsonElement root)
    {
        if (!root.TryGetProperty("normalizer", out JsonElement normalizer) || normalizer.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        string type = TypeOf(path, normalizer, "$.normalizer");
        return type switch
        {
            "NFC" => true,
            "Sequence" when normalizer.TryGetProperty("normalizers", out JsonElement list) && list.GetArrayLength() == 0 => false,
            "Sequence" when normalizer.TryGetProperty("normalizers", out JsonElement list) && list.GetArrayLength() == 1 => TypeOf(path, list[0], "$.normalizer.normalizers[0]") switch
            {
                "NFC" => true,
                string other => throw new TokenizerFormatException(path, "$.normalizer.normalizers[0]", $"normalizer '{other}' is not supported (only NFC)"),
            },
            _ => throw new TokenizerFormatException(path, "$.normalizer", $"normalizer '{type}' is not supported (only NFC)"),
        };
    }

    private static (List<PreTokenizerStep> Steps, bool ByteLevel) ReadPreTokenizer(string path, JsonElement root)
    {
        var steps = new List<PreTokenizerStep>();
        bool byteLevel = false;
        if (!root.TryGetProperty("pre_tokenizer", out JsonElement pre) || pre.ValueKind == JsonValueKind.Null)
        {
            return (steps, false);
        }

        void Add(JsonElement element, string location)
        {
            string type = TypeOf(path, element, location);
            switch (type)
            {
                case "Sequence":
                    JsonElement list = Required(path, element, "pretokenizers", location, JsonValueKind.Array);
                    int i = 0;
                    foreach (JsonElement inner in list.EnumerateArray())
                    {
                        Add(inner, $"{location}.pretokenizers[{i++}]");
                    }

                    break;
                case "Split":
                    steps.Add(ReadSplit(path, element, location));
                    break;
                case "Digits":
                    steps.Add(new DigitsStep(element.TryGetProperty("individual_digits", out JsonElement d) && d.ValueKind == JsonValueKind.True));
                    break;
                case "ByteLevel":
                    if (element.TryGetProperty("add_prefix_space", out JsonElement prefix) && prefix.ValueKind == JsonValueKind.True)
                    {
                        throw new TokenizerFormatException(path, $"{location}.add_prefix_space", "a ByteLevel pre-tokenizer that adds a prefix space is not supported");
                    }

                    bool useRegex = !element.TryGetProperty("use_regex", out JsonElement r) || r.ValueKind != JsonValueKind.False;
                    steps.Add(new ByteLevelSplitStep(useRegex));
                    byteLevel = true;
                    break;
                default:
                    throw new TokenizerFormatException(path, location, $"pre-tokenizer '{type}' is not supported (Split, Digits, ByteLevel, Sequence are)");
            }
        }

        Add(pre, "$.pre_tokenizer");
        return (steps, byteLevel);
    }

    private static RegexSplitStep ReadSplit(string path, JsonElement element, string location)
    {
        JsonElement pattern = Required(path, element, "pattern", location, JsonValueKind.Object);
        string text;
        if (pattern.TryGetProperty("Regex", out JsonElement regex) && regex.ValueKind == JsonValueKind.String)
        {
            text = regex.GetString()!;
        }
        else if (pattern.TryGetProperty("String", out JsonElement literal) && literal.ValueKind == JsonValueKind.String)
        {
            text = System.Text.RegularExpressions.Regex.Escape(literal.GetString()!);
        }
        else
        {
            throw new TokenizerFormatException(path, $"{location}.pattern", "a Split pattern must be {\"Regex\": ...} or {\"String\": ...}");
        }

        if (element.TryGetProperty("invert", out JsonElement invert) && invert.ValueKind == JsonValueKind.True)
        {
            throw new TokenizerFormatException(path, $"{location}.invert", "inverted Split patterns are not supported");
        }

        string behavior = element.TryGetProperty("behavior", out JsonElement b) && b.ValueKind == JsonValueKind.String ? b.GetString()! : "Isolated";
        SplitBehavior parsed = behavior switch
        {
            "Isolated" => SplitBehavior.Isolated,
            "Removed" => SplitBehavior.Removed,
            _ => throw new TokenizerFormatException(path, $"{location}.behavior", $"Split behavior '{behavior}' is not supported (Isolated, Removed are)"),
        };
        try
        {
            return new RegexSplitStep(text, parsed);
        }
        catch (ArgumentException ex)
        {
            throw new TokenizerFormatException(path, $"{location}.pattern", $"the regex does not compile in .NET ({ex.Message})", ex);
        }
    }

    private static string TypeOf(string path, JsonElement element, string location)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("type", out JsonElement type) || type.ValueKind != JsonValueKind.String)
        {
            throw new TokenizerFormatException(path, location, "expected an object with a string \"type\"");
        }

        return type.GetString()!;
    }

    internal static JsonElement Required(string path, JsonElement parent, string name, string location, JsonValueKind kind)
    {
        if (!parent.TryGetProperty(name, out JsonElement value) || value.ValueKind != kind)
        {
            throw new TokenizerFormatException(path, $"{location}.{name}", $"required {kind.ToString().ToLowerInvariant()} is missing or of another type");
        }

        return value;
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
