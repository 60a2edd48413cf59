using VlmForge.Abstractions.Quantization;
using static TorchSharp.torch;

namespace VlmForge.Plugins.Quantizers.FourBit;

/// <summary>A weight quantized by <c>nf4</c> or <c>fp4</c>, as the contract exposes it.</summary>
internal sealed class FourBitTensor(FourBitWeight stored) : IQuantizedTensor
{
    public long[] Shape => [.. stored.Shape];

    public long StorageBytes => stored.StorageBytes;

    public IReadOnlyDictionary<string, Tensor> Components => stored.Components();

    public Tensor Dequantize(ScalarType dtype) => stored.Dequantize(dtype);

    public void Dispose() => stored.Dispose();
}
