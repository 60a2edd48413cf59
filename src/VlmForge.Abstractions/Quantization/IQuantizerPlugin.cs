using TorchSharp;
using VlmForge.Abstractions.Plugins;
using static TorchSharp.torch;

namespace VlmForge.Abstractions.Quantization;

/// <summary>A plugin that stores frozen base weights in fewer bits (<c>model.quantization = "&lt;name&gt;"</c>).</summary>
public interface IQuantizerPlugin : IVlmForgePlugin
{
    /// <summary>Bits per stored weight before scales, for example 4 for NF4; 16 or 32 for <c>none</c>.</summary>
    int BitsPerWeight { get; }

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
