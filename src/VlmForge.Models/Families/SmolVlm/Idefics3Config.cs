using System.Text.Json.Serialization;
using VlmForge.Models.Families.Common;
using VlmForge.Models.Training;
using static TorchSharp.torch;

namespace VlmForge.Models.Families.SmolVlm;

/// <summary>
/// An Idefics3 (SmolVLM) <c>config.json</c>: a SigLIP vision encoder, a pixel-shuffle connector with
/// <c>scale_factor</c>, and a Llama decoder in <c>text_config</c>. Missing keys take transformers' defaults.
/// </summary>
public sealed record Idefics3Config : IFamilyConfig
{
    /// <summary>Hugging Face's model_type.</summary>
    public const string HuggingFaceModelType = "idefics3";

    /// <inheritdoc />
    [JsonIgnore] public string Family => ModelFamilies.SmolVlm;

    /// <inheritdoc />
    public FamilyModel CreateModel(ModelSetup setup, FamilyModelOptions options) => SmolVlmModel.Create(this, setup);

    /// <inheritdoc />
    public FamilyModel CreateSkeleton(ModelSetup setup, FamilyModelOptions options, Device device) => SmolVlmModel.Skeleton(this, setup, device);

    /// <inheritdoc />
    [JsonPropertyName("model_type")] public string ModelType { get; init; } = HuggingFaceModelType;

    /// <summary>&lt;image&gt;.</summary>
    [JsonPropertyName("image_token_id")] public int ImageTokenId { get; init; } = 128257;

    /// <summary>The connector folds scale_factor x scale_factor neighbouring patches into one token (pixel shuffle).</summary>
    [JsonPropertyName("scale_factor")] public int ScaleFactor { get; init; } = 2;

    /// <summary>Whether lm_head shares the token table.</summary>
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; init; }

    /// <summary>The Llama decoder.</summary>
    [JsonPropertyName("text_config")] public Idefics3TextConfig Text { get; init; } = new();

    /// <summary>The SigLIP encoder.</summary>
    [JsonPropertyName("vision_config")] public Idefics3VisionConfig Vision { get; init; } = new();

    /// <inheritdoc />
    [JsonIgnore] public int VocabSize => Text.VocabSize;

    /// <summary>Patches per side of the encoder's square input.</summary>
    [JsonIgnore] public int PatchGrid => Vision.ImageSize / Vision.PatchSize;

    /// <summary>Image tokens one (unsplit) image becomes: (patch grid / scale_factor)².</summary>
    [JsonIgnore] public int ImageTokenCount => PatchGrid / ScaleFactor * (PatchGrid / ScaleFactor);

    /// <summary>Where it was read from (for messages).</summary>
    [JsonIgnore] public string Source { get; init; } = "config.json";

    /// <summary>Parses config.json text.</summary>
    public static Idefics3Config Parse(string json, string source) =>
        ConfigJson.Deserialize<Idefics3Config>(json, source) with { Source = source };

    /// <inheritdoc />
    public void Validate()
    {
        var problems = new ConfigProblems(Source);
        var text = Text;
        var vision = Vision;
        problems.Positive("scale_factor", ScaleFactor);
        problems.Positive("text_config.vocab_size", text.VocabSize);
        problems.Positive("text_config.hidden_size", text.HiddenSize);
        problems.Positive("text_config.intermediate_size", text.IntermediateSize);
        problems.Positive("text_config.num_hidden_layers", text.Layers);
        problems.Positive("text_config.num_attention_heads", text.Heads);
        problems.Positive("text_config.num_key_value_heads", text.KeyValueHeads);
        problems.Positive("text_config.rms_norm_eps", text.RmsNormEps);
        problems.Positive("text_config.rope_theta", text.RopeTheta);
        problems.Positive("vision_config.hidden_size", vision.HiddenSize);
        problems.Positive("vision_config.intermediate_size", vision.IntermediateSize);
        problems.Positive("vision_config.num_hidden_layers", vision.Layers);
        problems.Positive("vision_config.num_attention_heads", vision.Heads);
        problems.Positive("vision_config.image_size", vision.ImageSize);
        problems.Positive("vision_config.patch_size", vision.PatchSize);
        problems.Positive("vision_config.layer_norm_eps", vision.LayerNormEps);
        problems.ThrowIfAny();

        problems.Require(text.HiddenSize % text.Heads == 0, $"text_config.hidden_size {text.HiddenSize} is not divisible by num_attention_heads {text.Heads}");
        problems.Require(
            text.HeadDimOverride is null || text.HeadDimOverride == text.HiddenSize / text.Heads,
            $"text_config.head_dim {text.HeadDimOverride} differs from hidden_size / num_attention_heads = {text.HiddenSize / text.Heads}, which is not supported");
        problems.Require(text.HeadDim % 2 == 0, $"the head width {text.HeadDim} must be even for rotary positions");
        problems.Require(text.Heads % text.KeyValueHeads == 0, $"text_config.num_attention_heads {text.Heads} is not a multiple of num_key_value_heads {text.KeyValueHeads}");
        problems.Require(text.HiddenAct == "silu", $"text_config.hidden_act \"{text.HiddenAct}\" is not supported (Llama uses silu)");
        problems.Require(!text.AttentionBias && !text.MlpBias, "text_config.attention_bias and mlp_bias must be false (a Llama decoder has no biases)");
        problems.Require(text.RopeScaling is null, "text_config.rope_scaling is not supported (plain rotary positions only)");
        problems.Require(vision.HiddenSize % vision.Heads == 0, $"vision_config.hidden_size {vision.HiddenSize} is not divisible by num_attention_heads {vision.Heads}");
        problems.Require(
            vision.HiddenAct is "gelu_pytorch_tanh" or "gelu",
            $"vision_config.hidden_act \"{vision.HiddenAct}\" is not supported (SigLIP uses gelu_pytorch_tanh)");
        problems.Require(vision.NumChannels == 3, $"vision_config.num_channels {vision.NumChannels} must be 3 (RGB)");
        problems.Require(
            vision.ImageSize >= vision.PatchSize && PatchGrid % ScaleFactor == 0,
            $"the {PatchGrid}x{PatchGrid} patch grid (image_size {vision.ImageSize} / patch_size {vision.PatchSize}) cannot be pixel-shuffled by scale_factor {ScaleFactor}");
        problems.Require(ImageTokenId >= 0 && ImageTokenId < text.VocabSize, $"image_token_id {ImageTokenId} is outside the vocabulary [0, {text.VocabSize})");
        problems.ThrowIfAny();
    }
}

/// <summary>The Llama decoder's keys (defaults are transformers' LlamaConfig defaults).</summary>
public sealed record Idefics3TextConfig
{
    /// <summary>Embedding rows.</summary>
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; } = 128259;

    /// <summary>Decoder width.</summary>
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 4096;

    /// <summary>SwiGLU width.</summary>
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; } = 14336;

    /// <summary>Decoder depth.</summary>
    [JsonPropertyName("num_hidden_layers")] public int Layers { get; init; } = 32;

    /// <summary>Query heads.</summary>
    [JsonPropertyName("num_attention_heads")] public int Heads { get; init; } = 32;

    /// <summary>Key/value heads; absent means one per query head.</summary>
    [JsonPropertyName("num_key_value_heads")] public int? KeyValueHeadsOrNull { get; init; }

    /// <summary>Explicit head width, when the config gives one.</summary>
    [JsonPropertyName("head_dim")] public int? HeadDimOverride { get; init; }

    /// <summary>The MLP activation (silu).</summary>
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "silu";

    /// <summary>RMSNorm epsilon.</summary>
    [JsonPropertyName("rms_norm_eps")] public double RmsNormEps { get; init; } = 1e-5;

    /// <summary>Rotary base.</summary>
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; init; } = 10000;

    /// <summary>Longest position trained.</summary>
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; } = 2048;

    /// <summary>Biases on q/k/v/o (false for Llama).</summary>
    [JsonPropertyName("attention_bias")] public bool AttentionBias { get; init; }

    /// <summary>Biases in the MLP (false for Llama).</summary>
    [JsonPropertyName("mlp_bias")] public bool MlpBias { get; init; }

    /// <summary>Rotary scaling (unsupported; must be null).</summary>
    [JsonPropertyName("rope_scaling")] public System.Text.Json.JsonElement? RopeScaling { get; init; }

    /// <summary>Key/value heads.</summary>
    [JsonIgnore] public int KeyValueHeads => KeyValueHeadsOrNull ?? Heads;

    /// <summary>Width of one attention head.</summary>
    [JsonIgnore] public int HeadDim => HiddenSize / Heads;
}

/// <summary>The SigLIP encoder's keys (defaults are transformers' Idefics3VisionConfig defaults).</summary>
public sealed record Idefics3VisionConfig
{
    /// <summary>Encoder width.</summary>
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 1152;

    /// <summary>MLP width.</summary>
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; } = 3072;

    /// <summary>Encoder depth.</summary>
    [JsonPropertyName("num_hidden_layers")] public int Layers { get; init; } = 12;

    /// <summary>Attention heads.</summary>
    [JsonPropertyName("num_attention_heads")] public int Heads { get; init; } = 16;

    /// <summary>Image channels.</summary>
    [JsonPropertyName("num_channels")] public int NumChannels { get; init; } = 3;

    /// <summary>Side of the square input in pixels.</summary>
    [JsonPropertyName("image_size")] public int ImageSize { get; init; } = 224;

    /// <summary>Patch side in pixels.</summary>
    [JsonPropertyName("patch_size")] public int PatchSize { get; init; } = 32;

    /// <summary>MLP activation (gelu_pytorch_tanh).</summary>
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "gelu_pytorch_tanh";

    /// <summary>LayerNorm epsilon.</summary>
    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; init; } = 1e-6;
}
