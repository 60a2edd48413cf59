using static TorchSharp.torch;

namespace VlmForge.Plugins.Quantizers.FourBit;

/// <summary>
/// The stored form of one weight, with the tensors named as bitsandbytes' Params4bit / QuantState serialization:
/// <c>weight</c> (packed codes, uint8 [(n+1)/2, 1]), <c>absmax</c> (float32 per block, or uint8 codes with double
/// quantization), <c>quant_map</c>, and with double quantization <c>nested_absmax</c>, <c>nested_quant_map</c> and the
/// offset. All tensors live on the device of the weight that was quantized.
/// </summary>
/// <remarks>
/// Disposing it disposes the tensors. The frozen linear layer registers them as its buffers instead and builds a
/// non-owning view over its buffers for each forward pass (so it follows the module to another device).
/// </remarks>
internal sealed class FourBitWeight : IDisposable
{
    public FourBitWeight(FourBitFormat format, long[] shape, ScalarType originalDtype, int blockSize,
        Tensor weight, Tensor absmax, Tensor quantMap, Tensor? nestedAbsmax, Tensor? nestedQuantMap, NestedState? nested)
    {
        Format = format;
        Shape = shape;
        OriginalDtype = originalDtype;
        BlockSize = blockSize;
        Weight = weight;
        Absmax = absmax;
        QuantMap = quantMap;
        NestedAbsmax = nestedAbsmax;
        NestedQuantMap = nestedQuantMap;
        Nested = nested;
    }

    public FourBitFormat Format { get; }

    public long[] Shape { get; }

    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    public ScalarType OriginalDtype { get; }

    public int BlockSize { get; }

    public Tensor Weight { get; }

    public Tensor Absmax { get; }

    public Tensor QuantMap { get; }

    public Tensor? NestedAbsmax { get; }

    public Tensor? NestedQuantMap { get; }

    public NestedState? Nested { get; }

    /// <summary>
    /// Bytes of the packed codes, the scales, the second-level scales and the offset. The code books are left out: they
    /// are constants of the format (16 and 256 floats), shared by every weight in principle.
    /// </summary>
    public long StorageBytes =>
        Weight.numel() * Weight.element_size() + Absmax.numel() * Absmax.element_size()
        + (NestedAbsmax is null ? 0 : NestedAbsmax.numel() * NestedAbsmax.element_size() + sizeof(float));

    /// <summary>Quantizes <paramref name="weight"/> (any shape and floating dtype; flattened row-major).</summary>
    public static FourBitWeight Quantize(FourBitFormat format, Tensor weight, int blockSize, bool doubleQuantization)
    {
        using var scope = NewDisposeScope();
        var flat = weight.detach().to(ScalarType.Float32).flatten();
        var count = flat.numel();
        var (absmax, codes) = Blockwise.Quantize(flat, blockSize, format.Encode);
        var packed = Blockwise.Pack(codes, count);
        var quantMap = tensor(format.CodeBook, device: weight.device);

        Tensor storedAbsmax = absmax;
        Tensor? nestedAbsmax = null, nestedQuantMap = null;
        NestedState? nested = null;
        if (doubleQuantization)
        {
            // QLoRA's double quantization: subtract the mean of the scales, then 8-bit blockwise with the dynamic map.
            var offset = absmax.mean();
            nestedQuantMap = tensor(DynamicMap.Values, device: weight.device);
            var midpoints = tensor(DynamicMap.Midpoints, device: weight.device);
            var (secondAbsmax, scaleCodes) = Blockwise.Quantize(absmax - offset, NestedBlockSize, scaled => bucketize(scaled, midpoints, outInt32: true));
            storedAbsmax = scaleCodes.narrow(0, 0, absmax.numel());
            nestedAbsmax = secondAbsmax;
            nested = new NestedState(NestedBlockSize, offset.item<float>());
        }

        var result = new FourBitWeight(format, weight.shape, weight.dtype, blockSize,
            packed.MoveToOuterDisposeScope(), storedAbsmax.MoveToOuterDisposeScope(), quantMap.MoveToOuterDisposeScope(),
            nestedAbsmax?.MoveToOuterDisposeScope(), nestedQuantMap?.MoveToOuterDisposeScope(), nested);
        return result;
    }

    /// <summary>Blocks of scales per second-level scale, as bitsandbytes' <c>quantize_4bit</c> uses.</summary>
    public const int NestedBlockSize = 256;

    /// <summary>The per-block scales in float32, undoing double quantization when there is one.</summary>
    public Tensor BlockScales()
    {
        if (Nested is not { } nested)
            return Absmax.to(ScalarType.Float32);
        using var scope = NewDisposeScope();
        var scales = Blockwise.Dequantize(Absmax, NestedAbsmax!, NestedQuantMap!.to(ScalarType.Float32), nested.BlockSize, Absmax.numel()) + nested.Offset;
        return scales.MoveToOuterDisposeScope();
    }

    /// <summary>The weight in <paramref name="dtype"/>: code values times block scales in float32, then converted.</summary>
    public Tensor Dequantize(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var values = Blockwise.DequantizePacked(Weight, BlockScales(), QuantMap.to(ScalarType.Float32), BlockSize, Count);
        return values.view(Shape).to(dtype).MoveToOuterDisposeScope();
    }

    private Tensor? _quantState;

    /// <summary>The tensors under bitsandbytes' names, including the packed JSON of the other fields.</summary>
    public IReadOnlyDictionary<string, Tensor> Components()
    {
        _quantState ??= QuantStateJson.Pack(Format.Name, BlockSize, OriginalDtype, Shape, Nested).DetachFromDisposeScope();
        var components = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            ["weight"] = Weight,
            ["absmax"] = Absmax,
            ["quant_map"] = QuantMap,
        };
        if (NestedAbsmax is not null)
        {
            components["nested_absmax"] = NestedAbsmax;
            components["nested_quant_map"] = NestedQuantMap!;
        }
        components[$"quant_state.bitsandbytes__{Format.Name}"] = _quantState;
        return components;
    }

    public void Dispose()
    {
        Weight.Dispose();
        Absmax.Dispose();
        QuantMap.Dispose();
        NestedAbsmax?.Dispose();
        NestedQuantMap?.Dispose();
        _quantState?.Dispose();
    }
}
