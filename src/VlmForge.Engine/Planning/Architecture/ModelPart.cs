namespace VlmForge.Engine.Planning.Architecture;

/// <summary>Where a weight sits in the forward pass: pixels flow vision -> connector -> decoder -> head.</summary>
public enum ModelPart
{
    /// <summary>The vision encoder (ViT / SigLIP / Qwen2.5-VL vision blocks) and its patch and position embeddings.</summary>
    Vision,

    /// <summary>What maps vision features to decoder tokens (projector, patch merger, pixel-shuffle connector).</summary>
    Connector,

    /// <summary>The language model: token embeddings, decoder layers, final norm.</summary>
    Decoder,

    /// <summary>The output projection to the vocabulary (lm_head).</summary>
    Head,
}
