namespace VlmForge.Engine.Planning.Architecture;

/// <summary>
/// Building blocks of <see cref="ModelShape"/>s that several families share, named and sized as the engine's modules
/// build them; each family's shape (Families/&lt;Family&gt;/&lt;Family&gt;Shape.cs) puts them together.
/// </summary>
internal static class ShapeParts
{
    /// <summary>A Llama-style decoder stack (Qwen2, Llama, SmolLM): RMSNorm, q/k/v/o attention, SwiGLU MLP.</summary>
    public static TransformerStack LlamaStyleDecoder(
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

    /// <summary>A SigLIP-style vision encoder stack: LayerNorm, q/k/v/out attention, GELU MLP.</summary>
    public static TransformerStack SigLipEncoder(string path, long width, long intermediate, int layers, int heads) => new(
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

    /// <summary>A ViT patch embedding (convolution weight and bias) and learned position embeddings.</summary>
    public static PlainTensor[] VisionEmbeddings(string path, long width, long patchSize, long patches) =>
    [
        new($"{path}.patch_embedding.weight", ModelPart.Vision, width * 3 * patchSize * patchSize),
        new($"{path}.patch_embedding.bias", ModelPart.Vision, width),
        new($"{path}.position_embedding.weight", ModelPart.Vision, patches * width),
    ];

    /// <summary>An untied language-model head.</summary>
    public static PlacedLinear Head(long width, long vocab) => new("lm_head", ModelPart.Head, new("lm_head", width, vocab, false, "norm"));
}
