using System.Globalization;
using System.Text.Json.Serialization;

namespace VlmForge.Models.Tiny;

/// <summary>
/// Shape of the tiny LLaVA-style model: a ViT vision tower, an MLP projector that merges 2x2 patches, and a Llama-style
/// decoder with grouped-query attention. Property names follow Hugging Face <c>config.json</c> keys.
/// </summary>
public sealed record TinyVlmConfig
{
    /// <summary>Tokens in the vocabulary (from the tokenizer at run time).</summary>
    [JsonPropertyName("vocab_size")] public required int VocabSize { get; init; }

    /// <summary>Side of the square input image in pixels.</summary>
    [JsonPropertyName("image_size")] public int ImageSize { get; init; } = 64;

    /// <summary>Side of a square patch in pixels.</summary>
    [JsonPropertyName("patch_size")] public int PatchSize { get; init; } = 8;

    /// <summary>Vision tower width.</summary>
    [JsonPropertyName("vision_hidden_size")] public int VisionHiddenSize { get; init; } = 128;

    /// <summary>Vision tower depth.</summary>
    [JsonPropertyName("vision_num_hidden_layers")] public int VisionLayers { get; init; } = 3;

    /// <summary>Vision attention heads.</summary>
    [JsonPropertyName("vision_num_attention_heads")] public int VisionHeads { get; init; } = 4;

    /// <summary>Vision MLP width.</summary>
    [JsonPropertyName("vision_intermediate_size")] public int VisionIntermediateSize { get; init; } = 512;

    /// <summary>Vision LayerNorm epsilon.</summary>
    [JsonPropertyName("vision_layer_norm_eps")] public double VisionLayerNormEps { get; init; } = 1e-6;

    /// <summary>How pixels become patch vectors: a hierarchical 2x2 stem learns from scratch much faster than one projection.</summary>
    [JsonPropertyName("vision_stem")]
    [JsonConverter(typeof(JsonStringEnumConverter<Vision.VisionStem>))]
    public Vision.VisionStem VisionStem { get; init; } = Vision.VisionStem.Hierarchical;

    /// <summary>Start the learned patch positions from 2D sine-cosine codes, so positions are exact from the first step.</summary>
    [JsonPropertyName("vision_sincos_positions")] public bool VisionSinCosPositions { get; init; } = true;

    /// <summary>
    /// What the decoder reads of an image: a ViT's projected patch features, or a small grounding detector's detections
    /// written as tokens (see <see cref="Detection.GroundingDetector"/>). Absent in older config files, which mean the ViT.
    /// </summary>
    [JsonPropertyName("vision_type")]
    [JsonConverter(typeof(JsonStringEnumConverter<TinyVisionType>))]
    public TinyVisionType VisionType { get; init; } = TinyVisionType.Vit;

    /// <summary>Channels of the detector's convolutional backbone (detector vision only).</summary>
    [JsonPropertyName("detector_width")] public int DetectorWidth { get; init; } = 128;

    /// <summary>Detections handed to the decoder per image, five tokens each (detector vision only).</summary>
    [JsonPropertyName("detector_max_objects")] public int DetectorMaxObjects { get; init; } = 4;

    /// <summary>
    /// Each text token also carries the phrase token of the detection its word names uniquely (detector vision only):
    /// "the star" in a question then holds the star's colour, a lookup by kind the decoder did not learn on its own.
    /// Absent in older config files, which mean off.
    /// </summary>
    [JsonPropertyName("detector_text_links")] public bool DetectorTextLinks { get; init; }

    /// <summary>Token id of each integer 0..image_size (detector vision only): the detector writes coordinates as these tokens.</summary>
    [JsonPropertyName("coordinate_token_ids")] public IReadOnlyList<int>? CoordinateTokenIds { get; init; }

    /// <summary>
    /// The output head reuses the token table (no separate <c>lm_head</c>): a token the detector wrote into the image
    /// tokens is then already the direction of its own logit, so copying it into the answer is one attention step.
    /// </summary>
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; init; }

    /// <summary>The projector concatenates merge x merge neighbouring patches into one image token (1 = no merge).</summary>
    [JsonPropertyName("projector_merge_size")] public int ProjectorMergeSize { get; init; } = 2;

    /// <summary>Decoder width.</summary>
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 256;

    /// <summary>Decoder depth.</summary>
    [JsonPropertyName("num_hidden_layers")] public int Layers { get; init; } = 4;

    /// <summary>Query heads.</summary>
    [JsonPropertyName("num_attention_heads")] public int Heads { get; init; } = 4;

    /// <summary>Key/value heads (grouped-query attention when fewer than <see cref="Heads"/>).</summary>
    [JsonPropertyName("num_key_value_heads")] public int KeyValueHeads { get; init; } = 2;

    /// <summary>SwiGLU MLP width.</summary>
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; } = 704;

    /// <summary>RMSNorm epsilon.</summary>
    [JsonPropertyName("rms_norm_eps")] public double RmsNormEps { get; init; } = 1e-6;

    /// <summary>Rotary base frequency.</summary>
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; init; } = 10000;

    /// <summary>The placeholder token whose embeddings are replaced by image features.</summary>
    [JsonPropertyName("image_token_id")] public required int ImageTokenId { get; init; }

    /// <summary>The padding token.</summary>
    [JsonPropertyName("pad_token_id")] public required int PadTokenId { get; init; }

    /// <summary>Width of one attention head in the decoder.</summary>
    [JsonIgnore] public int HeadDim => HiddenSize / Heads;

    /// <summary>Width of one attention head in the vision tower.</summary>
    [JsonIgnore] public int VisionHeadDim => VisionHiddenSize / VisionHeads;

    /// <summary>Patches per side of the image.</summary>
    [JsonIgnore] public int PatchGrid => ImageSize / PatchSize;

    /// <summary>Image tokens one image becomes in the decoder's sequence (placeholders per image in <c>input_ids</c>).</summary>
    [JsonIgnore] public int ImageTokenCount => ImageTokenCountFor(ImageSize);

    /// <summary>
    /// The <c>tiny</c> preset: about 3.8 M parameters plus 512 per vocabulary entry (embedding and head), 16 image
    /// tokens per 64 px image. A training step on a batch of 16 ~100-token sequences takes about half a second on
    /// 2 CPU cores in float32 (bf16 is slower on CPUs without avx512_bf16, where it is emulated).
    /// </summary>
    public static TinyVlmConfig Tiny(int vocabSize, int imageTokenId, int padTokenId)
    {
        var config = new TinyVlmConfig { VocabSize = vocabSize, ImageTokenId = imageTokenId, PadTokenId = padTokenId };
        config.Validate();
        return config;
    }

    /// <summary>Image tokens for an image of <paramref name="imageSize"/> pixels per side with this patch and merge size.</summary>
    public int ImageTokenCountFor(int imageSize)
    {
        if (VisionType == TinyVisionType.Detector)
        {
            return (DetectorMaxObjects * Detection.GroundingDetector.TokensPerObject) + Detection.GroundingDetector.FeatureTokens;
        }
        if (imageSize <= 0 || imageSize % PatchSize != 0 || imageSize / PatchSize % ProjectorMergeSize != 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(imageSize), imageSize,
                $"The image side must be a positive multiple of patch_size x projector_merge_size = {PatchSize * ProjectorMergeSize}.");
        }
        var side = imageSize / PatchSize / ProjectorMergeSize;
        return side * side;
    }

    /// <summary>Checks that the shapes fit together; throws <see cref="InvalidModelConfigException"/> naming every problem.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        void Positive(string key, double value)
        {
            if (!(value > 0))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{key} must be positive, got {value}"));
            }
        }

        Positive("vocab_size", VocabSize);
        Positive("image_size", ImageSize);
        Positive("patch_size", PatchSize);
        Positive("vision_hidden_size", VisionHiddenSize);
        Positive("vision_num_hidden_layers", VisionLayers);
        Positive("vision_num_attention_heads", VisionHeads);
        Positive("vision_intermediate_size", VisionIntermediateSize);
        Positive("vision_layer_norm_eps", VisionLayerNormEps);
        Positive("projector_merge_size", ProjectorMergeSize);
        Positive("hidden_size", HiddenSize);
        Positive("num_hidden_layers", Layers);
        Positive("num_attention_heads", Heads);
        Positive("num_key_value_heads", KeyValueHeads);
        Positive("intermediate_size", IntermediateSize);
        Positive("rms_norm_eps", RmsNormEps);
        Positive("rope_theta", RopeTheta);
        if (VisionType == TinyVisionType.Detector)
        {
            Positive("detector_max_objects", DetectorMaxObjects);
            if (DetectorWidth < 16 || DetectorWidth % 8 != 0)
            {
                problems.Add($"detector_width must be a multiple of 8 from 16, got {DetectorWidth}");
            }
            if (ImageSize % Detection.DetectorBackbone.Stride != 0)
            {
                problems.Add($"image_size {ImageSize} is not a multiple of the detector's {Detection.DetectorBackbone.Stride}-pixel cells");
            }
            if (CoordinateTokenIds is null || CoordinateTokenIds.Count != ImageSize + 1)
            {
                problems.Add($"coordinate_token_ids must list the token of each coordinate 0..{ImageSize} ({ImageSize + 1} ids), got {CoordinateTokenIds?.Count ?? 0}");
            }
            else if (CoordinateTokenIds.Any(id => id < 0 || id >= VocabSize))
            {
                problems.Add($"coordinate_token_ids holds ids outside the vocabulary [0, {VocabSize})");
            }
        }
        if (problems.Count == 0)
        {
            if (ImageSize % PatchSize != 0)
            {
                problems.Add($"image_size {ImageSize} is not a multiple of patch_size {PatchSize}");
            }
            else if (PatchGrid % ProjectorMergeSize != 0)
            {
                problems.Add($"the {PatchGrid}x{PatchGrid} patch grid cannot be merged in {ProjectorMergeSize}x{ProjectorMergeSize} groups");
            }
            if (VisionHiddenSize % VisionHeads != 0)
            {
                problems.Add($"vision_hidden_size {VisionHiddenSize} is not divisible by vision_num_attention_heads {VisionHeads}");
            }
            if (HiddenSize % Heads != 0)
            {
                problems.Add($"hidden_size {HiddenSize} is not divisible by num_attention_heads {Heads}");
            }
            else if (HeadDim % 2 != 0)
            {
                problems.Add($"the head width {HeadDim} must be even for rotary positions");
            }
            if (Heads % KeyValueHeads != 0)
            {
                problems.Add($"num_attention_heads {Heads} is not a multiple of num_key_value_heads {KeyValueHeads}");
            }
            if (ImageTokenId < 0 || ImageTokenId >= VocabSize)
            {
                problems.Add($"image_token_id {ImageTokenId} is outside the vocabulary [0, {VocabSize})");
            }
            if (PadTokenId < 0 || PadTokenId >= VocabSize)
            {
                problems.Add($"pad_token_id {PadTokenId} is outside the vocabulary [0, {VocabSize})");
            }
        }
        if (problems.Count > 0)
        {
            throw new InvalidModelConfigException("The tiny model config is invalid: " + string.Join("; ", problems) + ".");
        }
    }
}

/// <summary>What the tiny model's decoder reads of an image.</summary>
public enum TinyVisionType
{
    /// <summary>A ViT's patch features through an MLP projector (LLaVA's design).</summary>
    Vit,

    /// <summary>A grounding detector's detections as tokens from the decoder's own vocabulary.</summary>
    Detector,
}
