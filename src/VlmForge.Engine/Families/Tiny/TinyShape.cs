using VlmForge.Engine.Planning.Architecture;
using VlmForge.Models.Tiny;

namespace VlmForge.Engine.Families.Tiny;

/// <summary>The planner's view of the tiny model (and of LLaVA-like references): its layers and widths from its config.</summary>
internal static class TinyShape
{
    /// <summary>
    /// The tiny LLaVA-style model (also the shape of LLaVA-like references: any ViT + MLP projector + Llama decoder):
    /// SigLIP-style encoder, a projector merging <c>projector_merge_size</c>² patches (Linear, GELU, Linear), an untied head.
    /// </summary>
    public static ModelShape Of(TinyVlmConfig config, string name = "tiny")
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var decoder = ShapeParts.LlamaStyleDecoder("language_model.layers", config.HiddenSize, config.IntermediateSize, config.Layers, config.Heads,
            config.KeyValueHeads, config.HeadDim, attentionBias: false);
        var encoder = ShapeParts.SigLipEncoder("vision_tower.encoder.layers", config.VisionHiddenSize, config.VisionIntermediateSize, config.VisionLayers,
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
                ShapeParts.Head(config.HiddenSize, config.VocabSize),
            ],
            Tensors =
            [
                .. (config.VisionStem == VlmForge.Models.Vision.VisionStem.Hierarchical
                    ? HierarchicalVisionEmbeddings("vision_tower.embeddings", config.VisionHiddenSize, config.PatchSize, (long)config.PatchGrid * config.PatchGrid)
                    : ShapeParts.VisionEmbeddings("vision_tower.embeddings", config.VisionHiddenSize, config.PatchSize, (long)config.PatchGrid * config.PatchGrid)),
                new("language_model.embed_tokens.weight", ModelPart.Decoder, (long)config.VocabSize * config.HiddenSize),
            ],
            VocabSize = config.VocabSize,
            ConnectorActivationWidths = (0, config.HiddenSize),
        };
    }

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
}
