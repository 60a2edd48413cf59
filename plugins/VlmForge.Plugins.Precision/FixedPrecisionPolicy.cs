using TorchSharp.Modules;
using VlmForge.Abstractions.Precision;
using static TorchSharp.torch;

namespace VlmForge.Plugins.Precision;

/// <summary>
/// bf16 and fp32: activations and frozen weights in <see cref="ComputeDtype"/>, no loss scaling (bf16 has fp32's
/// exponent range, so gradients do not underflow). Non-finite gradients still make <see cref="UnscaleGradients"/>
/// return false so the step is skipped instead of writing NaN into the weights.
/// </summary>
internal sealed class FixedPrecisionPolicy(ScalarType computeDtype) : IPrecisionPolicy
{
    public ScalarType ComputeDtype { get; } = computeDtype;

    public double LossScale => 1;

    // A new handle to the same tensor: the caller may dispose both.
    public Tensor ScaleLoss(Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return loss.alias();
    }

    public bool UnscaleGradients(IReadOnlyList<Parameter> parameters) => GradientCheck.ScaleAndCheckFinite(parameters, 1);

    public IReadOnlyDictionary<string, double> SaveState() => new Dictionary<string, double>();

    public void LoadState(IReadOnlyDictionary<string, double> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Count > 0)
            throw new ArgumentException($"This precision policy keeps no state; the checkpoint holds {string.Join(", ", state.Keys)} (written with fp16?).", nameof(state));
    }
}
