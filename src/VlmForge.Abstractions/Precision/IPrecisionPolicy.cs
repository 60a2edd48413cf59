using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VlmForge.Abstractions.Precision;

/// <summary>
/// Mixed-precision rules for one run. Frozen weights and activations use <see cref="ComputeDtype"/>; trainable
/// master weights and optimizer state stay float32 and are cast on the way into the forward pass.
/// </summary>
public interface IPrecisionPolicy
{
    /// <summary>The dtype of activations and frozen weights.</summary>
    ScalarType ComputeDtype { get; }

    /// <summary>The current loss scale (1 when the policy does not scale).</summary>
    double LossScale { get; }

    /// <summary>Scales the loss before <c>backward()</c> so small fp16 gradients do not underflow.</summary>
    Tensor ScaleLoss(Tensor loss);

    /// <summary>
    /// Divides the accumulated gradients by the loss scale in place and checks them. Returns false when any
    /// gradient is inf or NaN: the caller must skip the optimizer step. Updates the scale (dynamic scaling).
    /// </summary>
    bool UnscaleGradients(IReadOnlyList<Parameter> parameters);

    /// <summary>State that a checkpoint must keep for an exact resume (for example the scale and good-step count).</summary>
    IReadOnlyDictionary<string, double> SaveState();

    /// <summary>Restores <see cref="SaveState"/>.</summary>
    void LoadState(IReadOnlyDictionary<string, double> state);
}
