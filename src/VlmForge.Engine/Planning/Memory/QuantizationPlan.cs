using System.Globalization;
using VlmForge.Abstractions.Quantization;
using static TorchSharp.torch;

namespace VlmForge.Engine.Planning.Memory;

/// <summary>
/// How frozen linear weights of the transformer stacks are stored (<c>model.quantization</c>), as the quantizer plugin
/// says: the planner knows no quantizer's format, it asks <see cref="IQuantizerPlugin.StorageBytes"/> for each weight
/// shape, so a third-party quantizer is planned like the built-in nf4 and fp4.
/// </summary>
internal sealed class QuantizationPlan
{
    // The difference between a [2r, c] and an [r, c] weight leaves per-layer constants (code books) out; r·c is a whole
    // number of bitsandbytes blocks of scales (64·256 weights), so its 4.5 bits are exact.
    private const long SampleRows = 1024, SampleColumns = 16 * 1024;

    private readonly Func<long[], ScalarType, long>? _storageBytes;

    private QuantizationPlan(string name, bool quantized, bool doubleQuantization, Func<long[], ScalarType, long>? storageBytes)
    {
        Name = name;
        Quantized = quantized;
        DoubleQuantization = doubleQuantization;
        _storageBytes = storageBytes;
    }

    /// <summary>The quantizer's name.</summary>
    public string Name { get; }

    /// <summary>Whether the quantizer replaces the frozen stack linears (false: they keep plain weights in the compute dtype).</summary>
    public bool Quantized { get; }

    /// <summary>Whether the quantizer was asked to quantize its scales too (<c>model.double_quantization</c>).</summary>
    public bool DoubleQuantization { get; }

    /// <summary>Plain weights in the compute dtype (<c>none</c>, or any quantizer that keeps plain linears).</summary>
    public static QuantizationPlan None { get; } = new("none", false, false, null);

    /// <summary>What <paramref name="quantizer"/> stores with <paramref name="options"/>.</summary>
    public static QuantizationPlan Of(IQuantizerPlugin quantizer, QuantizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(quantizer);
        ArgumentNullException.ThrowIfNull(options);
        var name = quantizer.Identity.Name;
        return quantizer.KeepsPlainLinears
            ? new(name, false, false, null)
            : new(name, true, options.DoubleQuantization, (shape, dtype) => quantizer.StorageBytes(shape, dtype, options));
    }

    /// <summary>Bytes one stored weight of <paramref name="shape"/> takes with activations of <paramref name="computeBytes"/> bytes.</summary>
    public long StorageBytes(long[] shape, int computeBytes)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return _storageBytes is { } stored
            ? stored(shape, ComputeDtype(computeBytes))
            : shape.Aggregate(1L, (a, b) => a * b) * computeBytes;
    }

    /// <summary>Bits per weight of a large matrix (per-layer constants such as code books left out): 4.5 for NF4.</summary>
    public double BitsPerWeight(int computeBytes) =>
        (StorageBytes([2 * SampleRows, SampleColumns], computeBytes) - StorageBytes([SampleRows, SampleColumns], computeBytes)) * 8.0 / (SampleRows * SampleColumns);

    /// <summary>For example "NF4, 4.5 bits/weight".</summary>
    public string Describe(int computeBytes) => Quantized
        ? string.Create(CultureInfo.InvariantCulture, $"{Name.ToUpperInvariant()}{(DoubleQuantization ? " + double quantization" : "")}, {BitsPerWeight(computeBytes):0.###} bits/weight")
        : "none";

    // The planner sizes activations by bytes per value; a 16-bit precision is bf16 or fp16, which store alike.
    private static ScalarType ComputeDtype(int computeBytes) => computeBytes switch
    {
        2 => ScalarType.BFloat16,
        4 => ScalarType.Float32,
        8 => ScalarType.Float64,
        _ => throw new ArgumentOutOfRangeException(nameof(computeBytes), computeBytes, "A compute dtype has 2, 4 or 8 bytes per value."),
    };
}
