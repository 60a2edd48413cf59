namespace VlmForge.Engine.Planning.Architecture;

/// <summary>How a stack normalizes: RMSNorm has a weight, LayerNorm a weight and a bias.</summary>
public enum NormKind
{
    /// <summary>RMSNorm (Llama, Qwen2): weight only.</summary>
    Rms,

    /// <summary>LayerNorm (SigLIP, ViT): weight and bias.</summary>
    Layer,
}

/// <summary>The feed-forward block of a layer, which decides what its non-linearity keeps for backward.</summary>
public enum MlpKind
{
    /// <summary>SwiGLU: down(silu(gate(x)) * up(x)).</summary>
    SwiGlu,

    /// <summary>Two linears around a GELU: fc2(gelu(fc1(x))).</summary>
    Gelu,
}

/// <summary>
/// A stack of identical pre-norm transformer layers (attention then MLP, two norms per layer), the unit that gradient
/// checkpointing recomputes and that holds almost every weight and activation of a VLM.
/// </summary>
/// <param name="Path">Module path of the layer list, for example <c>model.layers</c> or <c>visual.blocks</c>.</param>
/// <param name="Part">Vision or decoder.</param>
/// <param name="Layers">Number of layers.</param>
/// <param name="Width">Hidden size.</param>
/// <param name="Intermediate">MLP width.</param>
/// <param name="Heads">Query heads.</param>
/// <param name="KeyValueHeads">Key/value heads (fewer than <paramref name="Heads"/> with grouped-query attention).</param>
/// <param name="HeadDim">Width of one head.</param>
/// <param name="Norm">RMSNorm or LayerNorm.</param>
/// <param name="Mlp">SwiGLU or GELU MLP.</param>
/// <param name="Linears">The linear layers of one layer, in forward order.</param>
/// <param name="FinalNorm">Whether a norm of <paramref name="Width"/> follows the last layer (decoder <c>norm</c>, SigLIP <c>post_layernorm</c>).</param>
/// <param name="Causal">Whether attention is causal (decoder) or bidirectional (vision).</param>
public sealed record TransformerStack(
    string Path,
    ModelPart Part,
    int Layers,
    long Width,
    long Intermediate,
    int Heads,
    int KeyValueHeads,
    long HeadDim,
    NormKind Norm,
    MlpKind Mlp,
    IReadOnlyList<LinearShape> Linears,
    bool FinalNorm,
    bool Causal)
{
    /// <summary>Parameters of one norm of <see cref="Width"/>.</summary>
    public long NormParameters => Norm == NormKind.Rms ? Width : 2 * Width;

    /// <summary>Parameters of one layer: its linears and its two norms.</summary>
    public long ParametersPerLayer => Linears.Sum(l => l.ParameterCount) + 2 * NormParameters;

    /// <summary>Every parameter of the stack, the final norm included.</summary>
    public long Parameters => Layers * ParametersPerLayer + (FinalNorm ? NormParameters : 0);

    /// <summary>Linear weight elements of one layer (what 4-bit quantization stores and what matmuls read).</summary>
    public long LinearWeightsPerLayer => Linears.Sum(l => l.WeightCount);

    /// <summary>Width of the queries (heads x head width), which is also the attention output width.</summary>
    public long QueryWidth => Heads * HeadDim;
}
