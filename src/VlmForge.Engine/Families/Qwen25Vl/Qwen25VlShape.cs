using VlmForge.Engine.Planning.Architecture;
using VlmForge.Models.Families.Qwen25Vl;

namespace VlmForge.Engine.Families.Qwen25Vl;

/// <summary>The planner's view of a Qwen2.5-VL model: its layers and widths from config.json.</summary>
internal static class Qwen25VlShape
{
    /// <summary>Qwen2.5-VL: Qwen2 decoder (q/k/v biases), SwiGLU vision blocks with a fused qkv, a 2x2 patch merger.</summary>
    public static ModelShape Of(Qwen25VlConfig config, string name)
    {
        ArgumentNullException.ThrowIfNull(config);
        var text = config.Text;
        var vision = config.Vision;
        var decoder = ShapeParts.LlamaStyleDecoder("model.layers", text.HiddenSize, text.IntermediateSize, text.Layers, text.Heads, text.KeyValueHeads,
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
            linears.Add(ShapeParts.Head(text.HiddenSize, text.VocabSize));
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
}
