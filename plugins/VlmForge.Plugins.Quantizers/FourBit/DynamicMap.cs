using static TorchSharp.torch;

namespace VlmForge.Plugins.Quantizers.FourBit;

/// <summary>
/// bitsandbytes' signed 8-bit dynamic map, <c>create_dynamic_map(signed=True, max_exponent_bits=7, total_bits=8)</c>,
/// used to quantize the absmax scales in double quantization. It is rebuilt with the same float32 operations (linspace,
/// midpoints, scaling by powers of ten) so every value is the one bitsandbytes stores in <c>nested_quant_map</c>.
/// </summary>
internal static class DynamicMap
{
    public static float[] Values { get; } = Create();

    /// <summary>Midpoints between neighbouring codes, computed in float32: a value goes up when strictly above one.</summary>
    public static float[] Midpoints { get; } = [.. Values.Zip(Values.Skip(1), (a, b) => (a + b) * 0.5f)];

    private static float[] Create()
    {
        const int maxExponentBits = 7;
        var data = new List<float>(256);
        using (var scope = NewDisposeScope())
        {
            for (var i = 0; i < maxExponentBits; i++)
            {
                var fractionItems = (1 << i) + 1; // 2^(i + non_sign_bits - max_exponent_bits) + 1 with 7 non-sign bits
                var boundaries = linspace(0.1, 1, fractionItems, ScalarType.Float32);
                var means = (boundaries.narrow(0, 0, fractionItems - 1) + boundaries.narrow(0, 1, fractionItems - 1)) / 2.0;
                var scale = Math.Pow(10, -(maxExponentBits - 1) + i);
                data.AddRange(means.mul(scale).data<float>());
                data.AddRange(means.mul(-scale).data<float>());
            }
        }
        data.Add(0f);
        data.Add(1f);
        if (data.Count != 256)
            throw new InvalidOperationException($"The dynamic map has {data.Count} values instead of 256.");
        data.Sort();
        return [.. data];
    }
}
