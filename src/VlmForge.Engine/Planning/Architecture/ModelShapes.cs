using VlmForge.Models.Families;
using VlmForge.Models.Families.Qwen25Vl;
using VlmForge.Models.Families.SmolVlm;
using VlmForge.Models.Tiny;

namespace VlmForge.Engine.Planning.Architecture;

/// <summary>
/// The <see cref="ModelShape"/> of each family, from its config record: the same layers, names and widths the engine's
/// modules are built with (Qwen25VlModel, SmolVlmModel, TinyVlm), so parameter counts follow from config.json values.
/// </summary>
internal static class ModelShapes
{
    /// <summary>The shape of a real family's config (a preset's or a snapshot's config.json), as its registered family gives it.</summary>
    /// <param name="config">The parsed config.</param>
    /// <param name="name">What to call it in the plan (the repository id or the snapshot folder).</param>
    public static ModelShape From(IFamilyConfig config, string name)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return Families.ModelFamilyRegistry.Of(config).Shape(config, name);
    }

    /// <summary>Qwen2.5-VL: Qwen2 decoder (q/k/v biases), SwiGLU vision blocks with a fused qkv, a 2x2 patch merger.</summary>
    public static ModelShape Qwen25Vl(Qwen25VlConfig config, string name)
    {
        ArgumentNullException.ThrowIfNull(config);
        var text = config.Text;
        var vision = config.Vision;
        var decoder = LlamaStyleDecoder("model.layers", text.HiddenSize, text.IntermediateSize, text.Layers, text.Heads, text.KeyValueHeads,
            text.HeadDim, attentionBias: true);
        long width = vision.HiddenSize, intermediate = vision.IntermediateSize;
        var visual = new TransformerStack(
            "visual.blocks", ModelPart.Vision, vision.Depth, width, intermediate, vision.Heads, vision.Heads, vision.HeadDim, NormKind.Rms,
            MlpKind.SwiGlu,
            [
                new("qkv", width, 3 * width, true, "norm1"),
                new("proj", width, width, true, "attn"),
                new("gate_proj", width, intermediate, true, "norm2"),
                new("up_proj", width, intermediate, true, "norm2"),
                new("down_proj", intermediate, width, true, "mlp.act"),
            ],
            FinalNorm: false, Causal: false);
        long group = width * vision.SpatialMergeSize * vision.SpatialMergeSize;
        var linears = new List<PlacedLinear>
        {
            new("visual.merger.mlp.0", ModelPart.Connector, new("0", group, group, true, "merger.ln_q")),
            new("visual.merger.mlp.2", ModelPart.Connector, new("2", group, vision.OutHiddenSize, true, "merger.gelu")),
        };
        if (!config.TieWordEmbeddings)
            linears.Add(Head(text.HiddenSize, text.VocabSize));
        return new ModelShape
        {
            Name = name,
            Family = config.Family,
            Decoder = decoder,
            Vision = visual,
            Linears = linears,
            Tensors =
            [
                new("visual.patch_embed.proj.weight", ModelPart.Vision,
                    width * vision.InChannels * vision.TemporalPatchSize * vision.PatchSize * vision.PatchSize),
                new("visual.merger.ln_q.weight", ModelPart.Connector, width),
                new("model.embed_tokens.weight", ModelPart.Decoder, (long)text.VocabSize * text.HiddenSize),
            ],
            VocabSize = text.VocabSize,
            TiedHead = config.TieWordEmbeddings,
            // ln_q normalizes each patch in float32 before 2x2 patches are grouped; the GELU reads the grouped width.
            ConnectorActivationWidths = (group, group),
        };
    }

    /// <summary>SmolVLM (Idefics3): SigLIP encoder, pixel-shuffle connector with one linear, Llama decoder.</summary>
    public static ModelShape SmolVlm(Idefics3Config config, string name)
    {
        ArgumentNullException.ThrowIfNull(config);
        var text = config.Text;
        var vision = config.Vision;
        var decoder = LlamaStyleDecoder("model.text_model.layers", text.HiddenSize, text.IntermediateSize, text.Layers, text.Heads,
            text.KeyValueHeads, text.HeadDim, attentionBias: false);
        var encoder = SigLipEncoder("model.vision_model.encoder.layers", vision.HiddenSize, vision.IntermediateSize, vision.Layers, vision.Heads);
        long shuffled = (long)vision.HiddenSize * config.ScaleFactor * config.ScaleFactor;
        var linears = new List<PlacedLinear>
        {
            new("model.connector.modality_projection.proj", ModelPart.Connector, new("proj", shuffled, text.HiddenSize, false, "connector.pixel_shuffle")),
        };
        if (!config.TieWordEmbeddings)
            linears.Add(Head(text.HiddenSize, text.VocabSize));
        return new ModelShape
        {
            Name = name,
            Family = config.Family,
            Decoder = decoder,
            Vision = encoder,
            Linears = linears,
            Tensors =
            [
                .. VisionEmbeddings("model.vision_model.embeddings", vision.HiddenSize, vision.PatchSize, (long)config.PatchGrid * config.PatchGrid),
                new("model.text_model.embed_tokens.weight", ModelPart.Decoder, (long)text.VocabSize * text.HiddenSize),
            ],
            VocabSize = text.VocabSize,
            TiedHead = config.TieWordEmbeddings,
            ConnectorActivationWidths = (0, 0),
        };
    }

    /// <summary>
    /// The tiny LLaVA-style model (also the shape of LLaVA-like references: any ViT + MLP projector + Llama decoder):
    /// SigLIP-style encoder, a projector merging <c>projector_merge_size</c>² patches (Linear, GELU, Linear), an untied head.
    /// </summary>
    public static ModelShape Tiny(TinyVlmConfig config, string name = "tiny")
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var decoder = LlamaStyleDecoder("language_model.layers", config.HiddenSize, config.IntermediateSize, config.Layers, config.Heads,
            config.KeyValueHeads, config.HeadDim, attentionBias: false);
        var encoder = SigLipEncoder("vision_tower.encoder.layers", config.VisionHiddenSize, config.VisionIntermediateSize, config.VisionLayers,
            config.VisionHeads);
        long merged = (long)config.VisionHiddenSize * config.ProjectorMergeSize * config.ProjectorMergeSize;
        return new ModelShape
        {
            Name = name,
            Family = "tiny",
            Decoder = decoder,
            Vision = encoder,
            Linears =
            [
                new("multi_modal_projector.linear_1", ModelPart.Connector, new("linear_1", merged, config.HiddenSize, true, "projector.merged")),
                new("multi_modal_projector.linear_2", ModelPart.Connector, new("linear_2", config.HiddenSize, config.HiddenSize, true, "projector.gelu")),
                Head(config.HiddenSize, config.VocabSize),
            ],
            Tensors =
            [
                .. (config.VisionStem == VlmForge.Models.Vision.VisionStem.Hierarchical
                    ? HierarchicalVisionEmbeddings("vision_tower.embeddings", config.VisionHiddenSize, config.PatchSize, (long)config.PatchGrid * config.PatchGrid)
                    : VisionEmbeddings("vision_tower.embeddings", config.VisionHiddenSize, config.PatchSize, (long)config.PatchGrid * config.PatchGrid)),
                new("language_model.embed_tokens.weight", ModelPart.Decoder, (long)config.VocabSize * config.HiddenSize),
            ],
            VocabSize = config.VocabSize,
            ConnectorActivationWidths = (0, config.HiddenSize),
        };
    }

    private static TransformerStack LlamaStyleDecoder(
        string path, long width, long intermediate, int layers, int heads, int keyValueHeads, long headDim, bool attentionBias)
    {
        long query = heads * headDim, keyValue = keyValueHeads * headDim;
        return new TransformerStack(
            path, ModelPart.Decoder, layers, width, intermediate, heads, keyValueHeads, headDim, NormKind.Rms, MlpKind.SwiGlu,
            [
                new("q_proj", width, query, attentionBias, "input_layernorm"),
                new("k_proj", width, keyValue, attentionBias, "input_layernorm"),
                new("v_proj", width, keyValue, attentionBias, "input_layernorm"),
                new("o_proj", query, width, false, "self_attn"),
                new("gate_proj", width, intermediate, false, "post_attention_layernorm"),
                new("up_proj", width, intermediate, false, "post_attention_layernorm"),
                new("down_proj", intermediate, width, false, "mlp.act"),
            ],
            FinalNorm: true, Causal: true);
    }

    private static TransformerStack SigLipEncoder(string path, long width, long intermediate, int layers, int heads) => new(
        path, ModelPart.Vision, layers, width, intermediate, heads, heads, width / heads, NormKind.Layer, MlpKind.Gelu,
        [
            new("q_proj", width, width, true, "layer_norm1"),
            new("k_proj", width, width, true, "layer_norm1"),
            new("v_proj", width, width, true, "layer_norm1"),
            new("out_proj", width, width, true, "self_attn"),
            new("fc1", width, intermediate, true, "layer_norm2"),
            new("fc2", intermediate, width, true, "mlp.act"),
        ],
        FinalNorm: true, Causal: false);

    private static PlainTensor[] VisionEmbeddings(string path, long width, long patchSize, long patches) =>
    [
        new($"{path}.patch_embedding.weight", ModelPart.Vision, width * 3 * patchSize * patchSize),
        new($"{path}.patch_embedding.bias", ModelPart.Vision, width),
        new($"{path}.position_embedding.weight", ModelPart.Vision, patches * width),
    ];

    /// <summary>The tiny model's hierarchical stem: one 2x2 convolution per stage, widths as the stem builds them.</summary>
    private static PlainTensor[] HierarchicalVisionEmbeddings(string path, long width, int patchSize, long patches)
    {
        var tensors = new List<PlainTensor>();
        long channels = 3;
        var widths = VlmForge.Models.Vision.HierarchicalPatchStem.StageWidths(width, patchSize);
        for (int i = 0; i < widths.Count; i++)
        {
            tensors.Add(new($"{path}.patch_embedding.stages.{i}.weight", ModelPart.Vision, widths[i] * channels * 4));
            tensors.Add(new($"{path}.patch_embedding.stages.{i}.bias", ModelPart.Vision, widths[i]));
            channels = widths[i];
        }
        tensors.Add(new($"{path}.position_embedding.weight", ModelPart.Vision, patches * width));
        return [.. tensors];
    }

    private static PlacedLinear Head(long width, long vocab) => new("lm_head", ModelPart.Head, new("lm_head", width, vocab, false, "norm"));
}
