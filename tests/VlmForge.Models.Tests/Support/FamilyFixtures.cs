using System.Text.Json.Nodes;
using TorchSharp;
using VlmForge.Models.Families;
using VlmForge.Models.Families.Qwen25Vl;
using VlmForge.Models.Families.SmolVlm;
using VlmForge.Models.Lora;
using VlmForge.Models.Modeling;
using VlmForge.Models.Safetensors;
using VlmForge.Models.Training;
using VlmForge.Settings;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Support;

/// <summary>
/// Tiny Qwen2.5-VL and SmolVLM configs in the exact Hugging Face config.json layout, random checkpoints written with the
/// real key names, and batches in the family's token layout.
/// </summary>
internal static class FamilyFixtures
{
    public const int QwenImageToken = 60;
    public const int QwenVisionStart = 61;
    public const int QwenVisionEnd = 62;
    public const int SmolImageToken = 45;

    /// <summary>
    /// Decoder 32 wide, 4 heads of 8 sharing 2 key/value heads, mrope_section [1, 1, 2]; vision tower 16 wide, patch 2,
    /// merge 2 (4 px per image token), windows of 8 px (2 x 2 tokens), block 1 of 3 with full attention.
    /// </summary>
    public static JsonObject QwenConfigJson(bool tied = false, int[]? fullAttentionBlocks = null, int depth = 3) => new()
    {
        ["architectures"] = new JsonArray("Qwen2_5_VLForConditionalGeneration"),
        ["model_type"] = "qwen2_5_vl",
        ["bos_token_id"] = 0,
        ["eos_token_id"] = 1,
        ["vision_start_token_id"] = QwenVisionStart,
        ["vision_end_token_id"] = QwenVisionEnd,
        ["vision_token_id"] = 59,
        ["image_token_id"] = QwenImageToken,
        ["video_token_id"] = 63,
        ["hidden_act"] = "silu",
        ["hidden_size"] = 32,
        ["intermediate_size"] = 48,
        ["max_position_embeddings"] = 256,
        ["num_attention_heads"] = 4,
        ["num_hidden_layers"] = 2,
        ["num_key_value_heads"] = 2,
        ["rms_norm_eps"] = 1e-6,
        ["rope_theta"] = 10000.0,
        ["tie_word_embeddings"] = tied,
        ["torch_dtype"] = "bfloat16",
        ["vision_config"] = new JsonObject
        {
            ["depth"] = depth,
            ["hidden_act"] = "silu",
            ["hidden_size"] = 16,
            ["intermediate_size"] = 24,
            ["num_heads"] = 2,
            ["in_chans"] = 3,
            ["out_hidden_size"] = 32,
            ["patch_size"] = 2,
            ["spatial_merge_size"] = 2,
            ["spatial_patch_size"] = 2,
            ["window_size"] = 8,
            ["fullatt_block_indexes"] = new JsonArray((fullAttentionBlocks ?? [1]).Select(i => (JsonNode)i).ToArray()),
            ["tokens_per_second"] = 2,
            ["temporal_patch_size"] = 2,
        },
        ["rope_scaling"] = new JsonObject { ["type"] = "mrope", ["mrope_section"] = new JsonArray(1, 1, 2) },
        ["vocab_size"] = 64,
    };

    /// <summary>SigLIP 16 wide on 12 px images with patch 2 (6 x 6 grid), scale factor 3 (4 image tokens), Llama decoder 32 wide.</summary>
    public static JsonObject SmolConfigJson() => new()
    {
        ["architectures"] = new JsonArray("Idefics3ForConditionalGeneration"),
        ["model_type"] = "idefics3",
        ["image_token_id"] = SmolImageToken,
        ["scale_factor"] = 3,
        ["tie_word_embeddings"] = false,
        ["text_config"] = new JsonObject
        {
            ["model_type"] = "llama",
            ["hidden_size"] = 32,
            ["intermediate_size"] = 48,
            ["num_hidden_layers"] = 2,
            ["num_attention_heads"] = 4,
            ["num_key_value_heads"] = 2,
            ["head_dim"] = 8,
            ["rms_norm_eps"] = 1e-5,
            ["rope_theta"] = 273768.0,
            ["vocab_size"] = 48,
            ["max_position_embeddings"] = 256,
        },
        ["vision_config"] = new JsonObject
        {
            ["model_type"] = "idefics3",
            ["hidden_size"] = 16,
            ["image_size"] = 12,
            ["intermediate_size"] = 24,
            ["num_attention_heads"] = 2,
            ["num_hidden_layers"] = 2,
            ["patch_size"] = 2,
        },
        ["vocab_size"] = 48,
    };

    public static Qwen25VlConfig QwenConfig(bool tied = false, int[]? fullAttentionBlocks = null, int depth = 3) =>
        Qwen25VlConfig.Parse(QwenConfigJson(tied, fullAttentionBlocks, depth).ToJsonString(), "tiny config.json");

    public static Idefics3Config SmolConfig() => Idefics3Config.Parse(SmolConfigJson().ToJsonString(), "tiny config.json");

    public static LoraSettings Lora(params string[] targets) =>
        new(4, 8, 0, targets.Length == 0 ? ["q_proj", "k_proj", "v_proj", "o_proj"] : targets);

    public static ModelSetup Full(ScalarType dtype = ScalarType.Float32) => new() { Mode = TrainingMode.Full, ComputeDtype = dtype };

    public static ModelSetup LoraSetup(ScalarType dtype = ScalarType.Float32, params string[] targets) =>
        new() { Mode = TrainingMode.Lora, Lora = Lora(targets), ComputeDtype = dtype };

    public static FamilyModel Build(IFamilyConfig config, ModelSetup setup, int seed = 7)
    {
        manual_seed(seed);
        return FamilyModels.Create(config, setup);
    }

    /// <summary>Writes config.json and the model's weights (float32 full model) into <paramref name="folder"/>, sharded when small shards are asked for.</summary>
    public static void WriteSnapshot(string folder, JsonObject configJson, FamilyModel fullModel, long maxShardBytes = long.MaxValue)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), configJson.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        var tensors = fullModel.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().to(ScalarType.BFloat16), StringComparer.Ordinal);
        SafetensorsWriter.WriteCheckpoint(folder, tensors, maxShardBytes);
        foreach (var tensor in tensors.Values)
        {
            tensor.Dispose();
        }
    }

    /// <summary>
    /// Qwen rows: text, &lt;|vision_start|&gt;, one image's placeholders, &lt;|vision_end|&gt;, text; right padding. Labels on
    /// the text after the image, except its first <paramref name="promptTokens"/> tokens.
    /// </summary>
    public static VlmInputs QwenBatch(int[] textAfter, int imageHeight = 16, int imageWidth = 16, int textBefore = 3, int promptTokens = 1, int seed = 11) =>
        Batch(textAfter, imageHeight / 4 * (imageWidth / 4), QwenImageToken, [QwenVisionStart], [QwenVisionEnd], textBefore, promptTokens, seed, 64,
            excluded: [QwenImageToken, QwenVisionStart, QwenVisionEnd, 59, 63],
            pixels: g => randn([textAfter.Length, 3, imageHeight, imageWidth], generator: g));

    /// <summary>
    /// SmolVLM rows: text, the 4 image placeholders of each of the image's <paramref name="frames"/>, text; right padding. An
    /// image of several frames (split into tiles and a global view) is a strip [3, frames x 12, 12].
    /// </summary>
    public static VlmInputs SmolBatch(int[] textAfter, int textBefore = 3, int promptTokens = 1, int seed = 11, int frames = 1) =>
        Batch(textAfter, 4 * frames, SmolImageToken, [], [], textBefore, promptTokens, seed, 48, excluded: [SmolImageToken],
            pixels: g => randn([textAfter.Length, 3, 12 * frames, 12], generator: g));

    /// <summary>
    /// Two one-row batches as one: tokens right-padded to the longer row, each image placed top-left in a slot of the larger
    /// height and width, with both images' sizes (as the collator batches images of different sizes).
    /// </summary>
    public static VlmInputs CombinePadded(VlmInputs a, VlmInputs b)
    {
        var length = Math.Max(a.InputIds.shape[1], b.InputIds.shape[1]);
        Tensor Pad(Tensor x, long fill) => nn.functional.pad(x, [0, length - x.shape[1]], value: fill);
        var (ha, wa, hb, wb) = (a.PixelValues!.shape[2], a.PixelValues.shape[3], b.PixelValues!.shape[2], b.PixelValues.shape[3]);
        var (h, w) = (Math.Max(ha, hb), Math.Max(wa, wb));
        var pixels = cat([
            nn.functional.pad(a.PixelValues, [0, w - wa, 0, h - ha]),
            nn.functional.pad(b.PixelValues, [0, w - wb, 0, h - hb]),
        ], 0);
        return new VlmInputs(
            pixels,
            cat([Pad(a.InputIds, 0), Pad(b.InputIds, 0)], 0),
            cat([Pad(a.AttentionMask!, 0), Pad(b.AttentionMask!, 0)], 0),
            cat([Pad(a.Labels!, VlmInputs.IgnoreIndex), Pad(b.Labels!, VlmInputs.IgnoreIndex)], 0),
            ImageSizes: [new ImageExtent((int)ha, (int)wa), new ImageExtent((int)hb, (int)wb)]);
    }

    private static VlmInputs Batch(
        int[] textAfter, int imageTokens, int imageToken, int[] before, int[] after, int textBefore, int promptTokens, int seed, int vocab,
        int[] excluded, Func<Generator, Tensor> pixels)
    {
        var random = new Random(seed);
        int Text()
        {
            int id;
            do
            {
                id = random.Next(2, vocab);
            }
            while (excluded.Contains(id));
            return id;
        }

        var rows = textAfter.Select(n =>
        {
            var ids = new List<long>();
            var labels = new List<long>();
            for (var i = 0; i < textBefore; i++)
            {
                ids.Add(Text());
                labels.Add(VlmInputs.IgnoreIndex);
            }
            foreach (var id in before.Concat(Enumerable.Repeat(imageToken, imageTokens)).Concat(after))
            {
                ids.Add(id);
                labels.Add(VlmInputs.IgnoreIndex);
            }
            for (var i = 0; i < n; i++)
            {
                var id = Text();
                ids.Add(id);
                labels.Add(i < promptTokens ? VlmInputs.IgnoreIndex : id);
            }
            return (ids, labels);
        }).ToList();

        var width = rows.Max(r => r.ids.Count);
        var idData = new long[rows.Count, width];
        var maskData = new long[rows.Count, width];
        var labelData = new long[rows.Count, width];
        for (var b = 0; b < rows.Count; b++)
        {
            for (var t = 0; t < width; t++)
            {
                var real = t < rows[b].ids.Count;
                idData[b, t] = real ? rows[b].ids[t] : 0;
                maskData[b, t] = real ? 1 : 0;
                labelData[b, t] = real ? rows[b].labels[t] : VlmInputs.IgnoreIndex;
            }
        }
        return new VlmInputs(pixels(new Generator((ulong)seed)), tensor(idData), tensor(maskData), tensor(labelData));
    }
}
