using System.Text.Json.Nodes;
using VlmForge.Data.Tests.Tokenization.HuggingFace;
using VlmForge.Models.Families.Qwen25Vl;
using VlmForge.Models.Families.SmolVlm;
using VlmForge.Models.Tests.Support;

namespace VlmForge.Engine.Tests.Pipeline.FamilyRuns;

/// <summary>
/// Tiny random Qwen2.5-VL and SmolVLM snapshots in the Hugging Face layout (config.json, safetensors with the real key
/// names, tokenizer.json), with token ids that agree between config and tokenizer: a byte-level BPE of 256 bytes and 11
/// merges (ids 0..266), then the family's added tokens. Qwen's model vocabulary is exactly the tokenizer's; SmolVLM's is
/// padded past it, as released checkpoints pad theirs.
/// </summary>
internal static class TinySnapshots
{
    /// <summary>Qwen: &lt;|image_pad|&gt; is 271 (TinyByteLevelFiles' Qwen tokens), 273 ids.</summary>
    public const int QwenVocabulary = 273;

    /// <summary>SmolVLM: &lt;|im_start|&gt; 267, &lt;end_of_utterance&gt; 268, &lt;fake_token_around_image&gt; 269, &lt;global-img&gt; 270, &lt;image&gt; 271.</summary>
    public const int SmolTokenizerVocabulary = 272;

    /// <summary>SmolVLM's embedding rows: 8 more than the tokenizer has.</summary>
    public const int SmolVocabulary = 280;
    public const int SmolImageToken = 271;

    /// <summary>
    /// Vision patch 2 x merge 2 (4 px per image token); preprocessor_config.json bounds the smart resize to 64..256
    /// pixels, so a 32 x 32 image becomes 16 x 16: 16 image tokens.
    /// </summary>
    public static string WriteQwen(string folder, int seed = 3) => WriteQwen(folder, seed, resize: null, configure: null);

    /// <summary>
    /// <see cref="WriteQwen(string, int)"/> with other sizes: <paramref name="configure"/> edits config.json (layer sizes,
    /// patch and merge sizes) before the weights are drawn, and <paramref name="resize"/> (min_pixels, max_pixels) replaces
    /// the smart resize's bounds; preprocessor_config.json takes the patch and merge sizes from the edited config.
    /// </summary>
    public static string WriteQwen(string folder, int seed, (int MinPixels, int MaxPixels)? resize, Action<JsonObject>? configure)
    {
        var json = FamilyFixtures.QwenConfigJson();
        json["vocab_size"] = QwenVocabulary;
        json["image_token_id"] = TinyByteLevelFiles.ImagePad;
        json["vision_start_token_id"] = TinyByteLevelFiles.VisionStart;
        json["vision_end_token_id"] = TinyByteLevelFiles.VisionEnd;
        json["video_token_id"] = TinyByteLevelFiles.ToolCall;
        configure?.Invoke(json);
        using (var model = FamilyFixtures.Build(Qwen25VlConfig.Parse(json.ToJsonString(), "config.json"), FamilyFixtures.Full(), seed))
        {
            FamilyFixtures.WriteSnapshot(folder, json, model);
        }
        TinyByteLevelFiles.Write(folder, TinyByteLevelFiles.Qwen2Style());
        var (min, max) = resize ?? (64, 256);
        var vision = json["vision_config"]!;
        File.WriteAllText(Path.Combine(folder, "preprocessor_config.json"),
            $$"""{ "image_processor_type": "Qwen2VLImageProcessor", "min_pixels": {{min}}, "max_pixels": {{max}}, "patch_size": {{vision["patch_size"]}}, "merge_size": {{vision["spatial_merge_size"]}} }""");
        return folder;
    }

    /// <summary>SigLIP on 12 px images, scale factor 3: 4 image tokens.</summary>
    public static string WriteSmol(string folder, int seed = 3) => WriteSmol(folder, seed, splitting: null, configure: null);

    /// <summary>
    /// <see cref="WriteSmol(string, int)"/> with other sizes: <paramref name="configure"/> edits config.json (layer sizes,
    /// the encoder's image and patch size, the scale factor) before the weights are drawn. No preprocessor_config.json: one
    /// global image of the encoder's size.
    /// </summary>
    public static string WriteSmol(string folder, int seed, Action<JsonObject> configure) => WriteSmol(folder, seed, splitting: null, configure);

    /// <summary>
    /// A SmolVLM snapshot whose preprocessor_config.json splits images into 12 px tiles after resizing the longest edge to
    /// <paramref name="longestEdge"/> (so up to longestEdge / 12 tiles a side); the tokenizer has &lt;row_r_col_c&gt; for
    /// them (ids from 272) and the model's vocabulary is <see cref="SmolSplitVocabulary"/>.
    /// </summary>
    public static string WriteSplittingSmol(string folder, int longestEdge = 36, int seed = 3) => WriteSmol(folder, seed, longestEdge, configure: null);

    /// <summary>The embedding rows of <see cref="WriteSplittingSmol"/>'s model: room for 4 x 4 tile tokens after id 271.</summary>
    public const int SmolSplitVocabulary = 296;

    private static string WriteSmol(string folder, int seed, int? splitting, Action<JsonObject>? configure)
    {
        int vocabulary = splitting is null ? SmolVocabulary : SmolSplitVocabulary;
        var json = FamilyFixtures.SmolConfigJson();
        json["vocab_size"] = vocabulary;
        json["text_config"]!["vocab_size"] = vocabulary;
        json["image_token_id"] = SmolImageToken;
        configure?.Invoke(json);
        using (var model = FamilyFixtures.Build(Idefics3Config.Parse(json.ToJsonString(), "config.json"), FamilyFixtures.Full(), seed))
        {
            FamilyFixtures.WriteSnapshot(folder, json, model);
        }
        TinyByteLevelFiles.Write(folder, TinyByteLevelFiles.SmolVlmStyle(splitting is { } edge ? edge / 12 : 0));
        if (splitting is { } longest)
        {
            File.WriteAllText(Path.Combine(folder, "preprocessor_config.json"),
                $$"""{ "image_processor_type": "Idefics3ImageProcessor", "do_image_splitting": true, "do_resize": true, "size": { "longest_edge": {{longest}} }, "max_image_size": { "longest_edge": 12 }, "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5] }""");
        }
        return folder;
    }
}
