namespace VlmForge.Models.Training;

/// <summary>A linear layer whose frozen weight a quantizer stores: where it is and its original shape.</summary>
/// <param name="Path">Dotted module path of the quantized module (for example <c>language_model.layers.0.mlp.up_proj.base_layer</c>).</param>
/// <param name="InFeatures">Input width.</param>
/// <param name="OutFeatures">Output width.</param>
/// <param name="HasBias">Whether a bias is stored beside it.</param>
public sealed record QuantizedLinearInfo(string Path, long InFeatures, long OutFeatures, bool HasBias)
{
    /// <summary>Weights the quantized tensor stands for (out x in, plus the bias).</summary>
    public long ParameterCount => InFeatures * OutFeatures + (HasBias ? OutFeatures : 0);
}
