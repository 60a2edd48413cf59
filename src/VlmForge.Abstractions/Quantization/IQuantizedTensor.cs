using static TorchSharp.torch;

namespace VlmForge.Abstractions.Quantization;

/// <summary>A weight stored by a quantizer.</summary>
public interface IQuantizedTensor : IDisposable
{
    /// <summary>Shape of the original tensor.</summary>
    long[] Shape { get; }

    /// <summary>Bytes actually held: packed codes, scales and any second-level scales.</summary>
    long StorageBytes { get; }

    /// <summary>The stored tensors by name in the bitsandbytes layout (for example <c>weight</c>, <c>absmax</c>, <c>quant_map</c>).</summary>
    IReadOnlyDictionary<string, Tensor> Components { get; }

    /// <summary>Reconstructs the weight in <paramref name="dtype"/> on the device the codes live on.</summary>
    Tensor Dequantize(ScalarType dtype);
}
