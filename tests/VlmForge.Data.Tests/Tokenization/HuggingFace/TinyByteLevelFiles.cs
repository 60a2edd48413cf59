using System.Text.Json;
using System.Text.Json.Nodes;
using VlmForge.Data.Tokenization.HuggingFace;

namespace VlmForge.Data.Tests.Tokenization.HuggingFace;

/// <summary>
/// A tiny byte-level BPE tokenizer in the Hugging Face file layouts: ids 0..255 are the single bytes (id = byte value),
/// then one token per merge in merge order, then the added tokens. Small enough to work every expected id out by hand.
/// </summary>
internal static class TinyByteLevelFiles
{
    public static readonly string[] Merges =
    [
        "Ġ t", "h e", "Ġt he", "l l", "e ll", "i s", "Ġ is", "Ġ c", "a t", "Ġc at", "Ġ Ġ",
    ];

    // Ids: Ġt 256, he 257, Ġthe 258, ll 259, ell 260, is 261, Ġis 262, Ġc 263, at 264, Ġcat 265, ĠĠ 266.
    public static readonly (string Content, bool Special)[] Added =
    [
        ("<|im_start|>", true), ("<|im_end|>", true), ("<|vision_start|>", true), ("<|vision_end|>", true),
        ("<|image_pad|>", true), ("<tool_call>", false),
    ];

    public const int ImStart = 267;
    public const int ImEnd = 268;
    public const int VisionStart = 269;
    public const int VisionEnd = 270;
    public const int ImagePad = 271;
    public const int ToolCall = 272;

    public static Dictionary<string, int> Vocabulary()
    {
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int b = 0; b < 256; b++)
        {
            vocabulary[ByteLevelAlphabet.Encode((byte)b).ToString()] = b;
        }

        foreach (string merge in Merges)
        {
            vocabulary[merge.Replace(" ", "", StringComparison.Ordinal)] = vocabulary.Count;
        }

        return vocabulary;
    }

    /// <summary>Qwen2's tokenizer.json shape: NFC, a Split with Qwen2's pattern, then ByteLevel without its regex.</summary>
    public static JsonObject Qwen2Style() => Document(
        new JsonObject { ["type"] = "NFC" },
        new JsonObject
        {
            ["type"] = "Sequence",
            ["pretokenizers"] = new JsonArray(
                new JsonObject
                {
                    ["type"] = "Split",
                    ["pattern"] = new JsonObject { ["Regex"] = VocabMergesReader.Qwen2Pattern },
                    ["behavior"] = "Isolated",
                    ["invert"] = false,
                },
                new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = false }),
        });

    /// <summary>SmolLM2 / SmolVLM's shape: no normalizer, digits one by one, then ByteLevel with GPT-2's regex.</summary>
    public static JsonObject SmolLmStyle() => Document(
        null,
        new JsonObject
        {
            ["type"] = "Sequence",
            ["pretokenizers"] = new JsonArray(
                new JsonObject { ["type"] = "Digits", ["individual_digits"] = true },
                new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true }),
        });

    /// <summary>SmolVLM's added tokens after the 267 BPE ids: &lt;|im_start|&gt; 267, &lt;end_of_utterance&gt; 268, &lt;fake_token_around_image&gt; 269, &lt;global-img&gt; 270, &lt;image&gt; 271.</summary>
    public static readonly string[] SmolAdded = ["<|im_start|>", "<end_of_utterance>", "<fake_token_around_image>", "<global-img>", "<image>"];

    /// <summary>
    /// A SmolVLM-shaped tokenizer.json: <see cref="SmolLmStyle"/> with <see cref="SmolAdded"/>, then, for a processor that
    /// splits images into up to <paramref name="maxTiles"/> x <paramref name="maxTiles"/> tiles, &lt;row_r_col_c&gt; as id
    /// 272 + (r - 1) · maxTiles + (c - 1).
    /// </summary>
    public static JsonObject SmolVlmStyle(int maxTiles = 0)
    {
        var document = SmolLmStyle();
        var tokens = SmolAdded.ToList();
        for (int r = 1; r <= maxTiles; r++)
        {
            for (int c = 1; c <= maxTiles; c++)
            {
                tokens.Add($"<row_{r}_col_{c}>");
            }
        }
        var added = new JsonArray();
        for (int i = 0; i < tokens.Count; i++)
        {
            added.Add(new JsonObject
            {
                ["id"] = ImStart + i, ["content"] = tokens[i], ["single_word"] = false, ["lstrip"] = false,
                ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
            });
        }
        document["added_tokens"] = added;
        return document;
    }

    public static string Write(string folder, JsonObject document)
    {
        string path = Path.Combine(folder, HuggingFaceTokenizer.TokenizerJsonFileName);
        File.WriteAllText(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    /// <summary>The same tokenizer as vocab.json + merges.txt + tokenizer_config.json (Qwen2Tokenizer).</summary>
    public static void WriteSlowQwen2Files(string folder)
    {
        var vocab = new JsonObject();
        foreach ((string token, int id) in Vocabulary())
        {
            vocab[token] = id;
        }

        File.WriteAllText(Path.Combine(folder, HuggingFaceTokenizer.VocabFileName), vocab.ToJsonString());
        File.WriteAllText(Path.Combine(folder, HuggingFaceTokenizer.MergesFileName), "#version: 0.2\n" + string.Join("\n", Merges) + "\n");
        var decoder = new JsonObject();
        for (int i = 0; i < Added.Length; i++)
        {
            decoder[(ImStart + i).ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["content"] = Added[i].Content, ["lstrip"] = false, ["normalized"] = false, ["rstrip"] = false,
                ["single_word"] = false, ["special"] = Added[i].Special,
            };
        }

        var config = new JsonObject { ["tokenizer_class"] = "Qwen2Tokenizer", ["added_tokens_decoder"] = decoder };
        File.WriteAllText(Path.Combine(folder, HuggingFaceTokenizer.TokenizerConfigFileName), config.ToJsonString());
    }

    private static JsonObject Document(JsonObject? normalizer, JsonObject preTokenizer)
    {
        var vocab = new JsonObject();
        foreach ((string token, int id) in Vocabulary())
        {
            vocab[token] = id;
        }

        var added = new JsonArray();
        for (int i = 0; i < Added.Length; i++)
        {
            added.Add(new JsonObject
            {
                ["id"] = ImStart + i, ["content"] = Added[i].Content, ["single_word"] = false, ["lstrip"] = false,
                ["rstrip"] = false, ["normalized"] = false, ["special"] = Added[i].Special,
            });
        }

        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,
            ["normalizer"] = normalizer,
            ["pre_tokenizer"] = preTokenizer,
            ["post_processor"] = null,
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = false },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = null,
                ["continuing_subword_prefix"] = "",
                ["end_of_word_suffix"] = "",
                ["fuse_unk"] = false,
                ["byte_fallback"] = false,
                ["vocab"] = vocab,
                ["merges"] = new JsonArray(Merges.Select(m => (JsonNode)JsonValue.Create(m)!).ToArray()),
            },
        };
    }
}
