using System.Text.Json.Serialization;
using VlmForge.Models.Families.Common;
using VlmForge.Models.Training;
using static TorchSharp.torch;

namespace VlmForge.Models.Families.Qwen25Vl;

/// <summary>
/// A Qwen2.5-VL <c>config.json</c>. The released snapshots keep the text model's keys at the top level; newer
/// transformers versions also write them under <c>text_config</c>, which wins when present. Missing keys take
/// transformers' defaults (the 32B config, for example, lists only part of its vision config).
/// </summary>
public sealed record Qwen25VlConfig : IFamilyConfig
{
    /// <summary>Hugging Face's model_type.</summary>
    public const string HuggingFaceModelType = "qwen2_5_vl";

    /// <inheritdoc />
    [JsonIgnore] public string Family => ModelFamilies.Qwen25Vl;

    /// <inheritdoc />
    [JsonPropertyName("model_type")] public string ModelType { get; init; } = HuggingFaceModelType;

    /// <inheritdoc />
    public FamilyModel CreateModel(ModelSetup setup, FamilyModelOptions options) => Qwen25VlModel.Create(this, setup, options);

    /// <inheritdoc />
    public FamilyModel CreateSkeleton(ModelSetup setup, FamilyModelOptions options, Device device) => Qwen25VlModel.Skeleton(this, setup, options, device);

    /// <summary>The decoder.</summary>
    [JsonIgnore] public Qwen25VlTextConfig Text { get; init; } = new();

    /// <summary>The vision tower.</summary>
    [JsonPropertyName("vision_config")] public Qwen25VlVisionConfig Vision { get; init; } = new();

    /// <summary>&lt;|image_pad|&gt;.</summary>
    [JsonPropertyName("image_token_id")] public int ImageTokenId { get; init; } = 151655;

    /// <summary>&lt;|video_pad|&gt;.</summary>
    [JsonPropertyName("video_token_id")] public int VideoTokenId { get; init; } = 151656;

    /// <summary>&lt;|vision_start|&gt;.</summary>
    [JsonPropertyName("vision_start_token_id")] public int VisionStartTokenId { get; init; } = 151652;

    /// <summary>&lt;|vision_end|&gt;.</summary>
    [JsonPropertyName("vision_end_token_id")] public int VisionEndTokenId { get; init; } = 151653;

    /// <summary>Whether lm_head shares embed_tokens' weight (3B: yes, so its checkpoint has no lm_head.weight).</summary>
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; init; }

    /// <inheritdoc />
    [JsonIgnore] public int VocabSize => Text.VocabSize;

    /// <summary>Parses config.json text.</summary>
    public static Qwen25VlConfig Parse(string json, string source)
    {
        var root = ConfigJson.Deserialize<Qwen25VlConfig>(json, source);
        var text = ConfigJson.HasObject(json, "text_config")
            ? ConfigJson.Deserialize<TextConfigHolder>(json, source).TextConfig!
            : ConfigJson.Deserialize<Qwen25VlTextConfig>(json, source);
        return root with { Text = text, Source = source };
    }

    /// <summary>Where it was read from (for messages).</summary>
    [JsonIgnore] public string Source { get; init; } = "config.json";

    /// <inheritdoc />
    public void Validate()
    {
        var problems = new ConfigProblems(Source);
        var text = Text;
        var vision = Vision;
        problems.Positive("vocab_size", text.VocabSize);
        problems.Positive("hidden_size", text.HiddenSize);
        problems.Positive("intermediate_size", text.IntermediateSize);
        problems.Positive("num_hidden_layers", text.Layers);
        problems.Positive("num_attention_heads", text.Heads);
        problems.Positive("num_key_value_heads", text.KeyValueHeads);
        problems.Positive("rms_norm_eps", text.RmsNormEps);
        problems.Positive("rope_theta", text.RopeTheta);
        problems.Positive("vision_config.depth", vision.Depth);
        problems.Positive("vision_config.hidden_size", vision.HiddenSize);
        problems.Positive("vision_config.intermediate_size", vision.IntermediateSize);
        problems.Positive("vision_config.num_heads", vision.Heads);
        problems.Positive("vision_config.patch_size", vision.PatchSize);
        problems.Positive("vision_config.temporal_patch_size", vision.TemporalPatchSize);
        problems.Positive("vision_config.spatial_merge_size", vision.SpatialMergeSize);
        problems.Positive("vision_config.window_size", vision.WindowSize);
        problems.Positive("vision_config.out_hidden_size", vision.OutHiddenSize);
        problems.ThrowIfAny();

        problems.Require(text.HiddenSize % text.Heads == 0, $"hidden_size {text.HiddenSize} is not divisible by num_attention_heads {text.Heads}");
        problems.Require(text.Heads % text.KeyValueHeads == 0, $"num_attention_heads {text.Heads} is not a multiple of num_key_value_heads {text.KeyValueHeads}");
        problems.Require(text.HiddenAct == "silu", $"hidden_act \"{text.HiddenAct}\" is not supported (Qwen2.5-VL uses silu)");
        var section = text.MropeSection;
        problems.Require(
            section.Count == 3 && section.All(s => s > 0) && section.Sum() * 2 == text.HeadDim,
            $"rope_scaling.mrope_section [{string.Join(", ", section)}] must be three positive numbers summing to head_dim / 2 = {text.HeadDim / 2}");
        problems.Require(vision.HiddenSize % vision.Heads == 0, $"vision_config.hidden_size {vision.HiddenSize} is not divisible by vision_config.num_heads {vision.Heads}");
        problems.Require(vision.HiddenSize / vision.Heads % 4 == 0, $"the vision head width {vision.HiddenSize / vision.Heads} must be a multiple of 4 for the 2D rotary positions");
        problems.Require(vision.HiddenAct == "silu", $"vision_config.hidden_act \"{vision.HiddenAct}\" is not supported (Qwen2.5-VL uses silu)");
        problems.Require(vision.InChannels == 3, $"vision_config.in_channels {vision.InChannels} must be 3 (RGB)");
        problems.Require(
            vision.WindowSize % (vision.PatchSize * vision.SpatialMergeSize) == 0,
            $"vision_config.window_size {vision.WindowSize} is not a multiple of patch_size x spatial_merge_size = {vision.PatchSize * vision.SpatialMergeSize}");
        problems.Require(
            vision.FullAttentionBlocks.All(i => i >= 0 && i < vision.Depth),
            $"vision_config.fullatt_block_indexes [{string.Join(", ", vision.FullAttentionBlocks)}] must lie in [0, depth {vision.Depth})");
        problems.Require(
            vision.OutHiddenSize == text.HiddenSize,
            $"vision_config.out_hidden_size {vision.OutHiddenSize} must equal the decoder's hidden_size {text.HiddenSize}");
        problems.Require(ImageTokenId >= 0 && ImageTokenId < text.VocabSize, $"image_token_id {ImageTokenId} is outside the vocabulary [0, {text.VocabSize})");
        problems.ThrowIfAny();
    }

    private sealed record TextConfigHolder
    {
        [JsonPropertyName("text_config")] public Qwen25VlTextConfig? TextConfig { get; init; }
    }
}

/// <summary>The Qwen2 decoder's keys (defaults are transformers' Qwen2_5_VLTextConfig defaults).</summary>
public sealed record Qwen25VlTextConfig
{
    /// <summary>Embedding rows (padded beyond the tokenizer's ids).</summary>
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; } = 152064;

    /// <summary>Decoder width.</summary>
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 8192;

    /// <summary>SwiGLU width.</summary>
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; } = 29568;

    /// <summary>Decoder depth.</summary>
    [JsonPropertyName("num_hidden_layers")] public int Layers { get; init; } = 80;

    /// <summary>Query heads.</summary>
    [JsonPropertyName("num_attention_heads")] public int Heads { get; init; } = 64;

    /// <summary>Key/value heads (grouped-query attention).</summary>
    [JsonPropertyName("num_key_value_heads")] public int KeyValueHeads { get; init; } = 8;

    /// <summary>The MLP activation (silu).</summary>
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "silu";

    /// <summary>RMSNorm epsilon.</summary>
    [JsonPropertyName("rms_norm_eps")] public double RmsNormEps { get; init; } = 1e-5;

    /// <summary>Rotary base.</summary>
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; init; } = 1_000_000;

    /// <summary>Longest position trained.</summary>
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; } = 32768;

    /// <summary>M-RoPE: <c>{"type": "mrope", "mrope_section": [16, 24, 24]}</c>.</summary>
    [JsonPropertyName("rope_scaling")] public Qwen25VlRopeScaling? RopeScaling { get; init; }

    /// <summary>Width of one attention head.</summary>
    [JsonIgnore] public int HeadDim => HiddenSize / Heads;

    /// <summary>Rotary frequencies given to the temporal, height and width position (sums to head_dim / 2).</summary>
    [JsonIgnore] public IReadOnlyList<int> MropeSection => RopeScaling?.MropeSection ?? [HeadDim / 2, 0, 0];
}

/// <summary>The <c>rope_scaling</c> object of Qwen2.5-VL.</summary>
public sealed record Qwen25VlRopeScaling
{
    /// <summary>"mrope" (old) or "default" (newer transformers).</summary>
    [JsonPropertyName("type")] public string? Type { get; init; }

    /// <summary>Frequencies per position axis (temporal, height, width).</summary>
    [JsonPropertyName("mrope_section")] public IReadOnlyList<int> MropeSection { get; init; } = [16, 24, 24];
}

/// <summary>The vision tower's keys (defaults are transformers' Qwen2_5_VLVisionConfig defaults).</summary>
public sealed record Qwen25VlVisionConfig
{
    /// <summary>Number of blocks.</summary>
    [JsonPropertyName("depth")] public int Depth { get; init; } = 32;

    /// <summary>Block width.</summary>
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 3584;

    /// <summary>The MLP activation (silu).</summary>
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "silu";

    /// <summary>SwiGLU width.</summary>
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; } = 3420;

    /// <summary>Attention heads.</summary>
    [JsonPropertyName("num_heads")] public int Heads { get; init; } = 16;

    /// <summary>Image channels.</summary>
    [JsonPropertyName("in_channels")] public int InChannels { get; init; } = 3;

    /// <summary>Patch side in pixels (14).</summary>
    [JsonPropertyName("patch_size")] public int PatchSize { get; init; } = 14;

    /// <summary>Patches merged per side into one decoder token (2).</summary>
    [JsonPropertyName("spatial_merge_size")] public int SpatialMergeSize { get; init; } = 2;

    /// <summary>Frames per patch (2; an image is its own frame twice).</summary>
    [JsonPropertyName("temporal_patch_size")] public int TemporalPatchSize { get; init; } = 2;

    /// <summary>Window side in pixels for windowed attention (112 = 8 patches = 4 merged tokens).</summary>
    [JsonPropertyName("window_size")] public int WindowSize { get; init; } = 112;

    /// <summary>Blocks that attend over the whole image instead of windows.</summary>
    [JsonPropertyName("fullatt_block_indexes")] public IReadOnlyList<int> FullAttentionBlocks { get; init; } = [7, 15, 23, 31];

    /// <summary>Width of the merger's output (the decoder's hidden size).</summary>
    [JsonPropertyName("out_hidden_size")] public int OutHiddenSize { get; init; } = 3584;

    /// <summary>Video time resolution (images use position 0).</summary>
    [JsonPropertyName("tokens_per_second")] public int TokensPerSecond { get; init; } = 4;

    /// <summary>Pixels per side of one decoder image token: patch_size x spatial_merge_size (28).</summary>
    [JsonIgnore] public int Factor => PatchSize * SpatialMergeSize;

    /// <summary>Width of one vision attention head.</summary>
    [JsonIgnore] public int HeadDim => HiddenSize / Heads;
}
