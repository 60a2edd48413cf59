using TorchSharp;
using VlmForge.Abstractions.Plugins;
using static TorchSharp.torch;

namespace VlmForge.Abstractions.Quantization;

/// <summary>A plugin that stores frozen base weights in fewer bits (<c>model.quantization = "&lt;name&gt;"</c>).</summary>
public interface IQuantizerPlugin : IVlmForgePlugin
{
    /// <summary>
    /// True when this quantizer keeps weights as they are (the built-in <c>none</c>): the host then keeps the model's
    /// ordinary linear layers, which full fine-tuning trains and LoRA can merge into, and calls
    /// <see cref="CreateFrozenLinear"/> for none of them; the planner counts their weights in the compute dtype.
    /// </summary>
    bool KeepsPlainLinears { get; }

    /// <summary>
    /// Bytes one frozen weight of <paramref name="shape"/> takes once this quantizer stores it for a frozen linear layer:
    /// what <see cref="Quantize"/>'s <see cref="IQuantizedTensor.StorageBytes"/> reports, plus any per-layer constant the
    /// layer keeps (a code book). <c>vlmforge plan</c> sums it over the model's frozen linear weights, so a quantizer the
    /// planner has never seen is planned by what it says here.
    /// </summary>
    /// <param name="shape">The weight's shape, [out, in] for a linear layer.</param>
    /// <param name="computeDtype">The dtype activations use (<c>model.precision</c>).</param>
    /// <param name="options">Block size and double quantization.</param>
    long StorageBytes(long[] shape, ScalarType computeDtype, QuantizationOptions options);

    /// <summary>Quantizes a weight tensor (any shape; flattened in row-major order).</summary>
    IQuantizedTensor Quantize(Tensor weight, QuantizationOptions options);

    /// <summary>
    /// A frozen linear layer (<c>y = x Wᵀ + b</c>) whose weight is stored by this quantizer and dequantized on the
    /// fly in <paramref name="computeDtype"/>. The module has no trainable parameters.
    /// </summary>
    /// <param name="weight">The full-precision weight, shape [out, in]; not kept.</param>
    /// <param name="bias">Optional bias, shape [out]; stored in <paramref name="computeDtype"/>.</param>
    /// <param name="computeDtype">The dtype activations arrive in and leave with.</param>
    /// <param name="options">Block size and double quantization.</param>
    nn.Module<Tensor, Tensor> CreateFrozenLinear(Tensor weight, Tensor? bias, ScalarType computeDtype, QuantizationOptions options);
}
