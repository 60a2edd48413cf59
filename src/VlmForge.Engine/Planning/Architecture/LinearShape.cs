namespace VlmForge.Engine.Planning.Architecture;

/// <summary>
/// One linear layer of the model (in a stack: one per layer). <see cref="Name"/> is the last segment of its module path,
/// which is what <c>lora_target_modules</c> matches (PEFT's rule, and the engine's <c>LoraSettings.Targets</c>).
/// </summary>
/// <param name="Name">Last module path segment, for example <c>q_proj</c> or <c>0</c> for <c>merger.mlp.0</c>.</param>
/// <param name="InFeatures">Input width.</param>
/// <param name="OutFeatures">Output width.</param>
/// <param name="HasBias">Whether it has a bias vector.</param>
/// <param name="Input">
/// Names the activation the layer reads. Layers reading the same tensor (q/k/v after the norm, gate/up) share it, so
/// autograd keeps that input once for all of their weight gradients.
/// </param>
public sealed record LinearShape(string Name, long InFeatures, long OutFeatures, bool HasBias, string Input)
{
    /// <summary>Elements of the weight matrix.</summary>
    public long WeightCount => InFeatures * OutFeatures;

    /// <summary>Weight plus bias elements.</summary>
    public long ParameterCount => WeightCount + (HasBias ? OutFeatures : 0);

    /// <summary>Elements of a rank-<paramref name="rank"/> LoRA adapter on this layer: A is r x in, B is out x r.</summary>
    public long LoraParameterCount(int rank) => (long)rank * (InFeatures + OutFeatures);
}
