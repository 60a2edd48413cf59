using VlmForge.Engine.Planning.Architecture;
using VlmForge.Models.Families.SmolVlm;

namespace VlmForge.Engine.Families.SmolVlm;

/// <summary>The planner's view of a SmolVLM (Idefics3) model: its layers and widths from config.json.</summary>
internal static class SmolVlmShape
{
    /// <summary>SmolVLM (Idefics3): SigLIP encoder, pixel-shuffle connector with one linear, Llama decoder.</summary>
    public static ModelShape Of(Idefics3Config config, string name)
    {
        ArgumentNullException.ThrowIfNull(config);
        var text = config.Text;
        var vision = config.Vision;
        var decoder = ShapeParts.LlamaStyleDecoder("model.text_model.layers", text.HiddenSize, text.IntermediateSize, text.Layers, text.Heads,
            text.KeyValueHeads, text.HeadDim, attentionBias: false);
        var encoder = ShapeParts.SigLipEncoder("model.vision_model.encoder.layers", vision.HiddenSize, vision.IntermediateSize, vision.Layers, vision.Heads);
        long shuffled = (long)vision.HiddenSize * config.ScaleFactor * config.ScaleFactor;
        var linears = new List<PlacedLinear>
        {
            new("model.connector.modality_projection.proj", ModelPart.Connector, new("proj", shuffled, text.HiddenSize, false, "connector.pixel_shuffle")),
        };
        if (!config.TieWordEmbeddings)
            linears.Add(ShapeParts.Head(text.HiddenSize, text.VocabSize));
        return new ModelShape
        {
            Name = name,
            Family = config.Family,
            Decoder = decoder,
            Vision = encoder,
            Linears = linears,
            Tensors =
            [
                .. ShapeParts.VisionEmbeddings("model.vision_model.embeddings", vision.HiddenSize, vision.PatchSize, (long)config.PatchGrid * config.PatchGrid),
                new("model.text_model.embed_tokens.weight", ModelPart.Decoder, (long)text.VocabSize * text.HiddenSize),
            ],
            VocabSize = text.VocabSize,
            TiedHead = config.TieWordEmbeddings,
            ConnectorActivationWidths = (0, 0),
        };
    }
}
