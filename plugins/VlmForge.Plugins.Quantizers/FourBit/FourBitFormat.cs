using static TorchSharp.torch;

namespace VlmForge.Plugins.Quantizers.FourBit;

/// <summary>
/// A 4-bit data type as bitsandbytes defines it: the 16-entry code book (<c>quant_map</c>) and the encoder, which
/// maps a value already divided by its block's absmax (so in [-1, 1]) to a code.
/// </summary>
internal abstract class FourBitFormat
{
    /// <summary><c>nf4</c> or <c>fp4</c>, as bitsandbytes names it in <c>quant_type</c>.</summary>
    public abstract string Name { get; }

    /// <summary><c>get_4bit_type(name)</c>: the value of each code, float32.</summary>
    public abstract float[] CodeBook { get; }

    /// <summary>Codes (int32, 0..15) for <paramref name="scaled"/> (float32, any shape).</summary>
    public abstract Tensor Encode(Tensor scaled);
}

/// <summary>
/// NormalFloat4 (QLoRA): the 16 quantiles of N(0, 1) rescaled to [-1, 1], with an exact zero. The encoder is the
/// decision tree of bitsandbytes' <c>dQuantizeNF4</c>: a value goes to the upper code when it is strictly greater
/// than the midpoint between two neighbouring codes.
/// </summary>
internal sealed class Nf4Format : FourBitFormat
{
    public static Nf4Format Instance { get; } = new();

    private static readonly float[] Values =
    [
        -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
        -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
        0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
        0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f,
    ];

    // The thresholds of dQuantizeNF4, ascending (float literals, compared in float32 as the kernel does).
    private static readonly float[] Thresholds =
    [
        -0.8480964004993439f, -0.6106329262256622f, -0.4599952697753906f, -0.33967943489551544f,
        -0.23460740596055984f, -0.13791173323988914f, -0.045525018125772476f, 0.03979014977812767f,
        0.1202552504837513f, 0.2035212516784668f, 0.2920137718319893f, 0.3893125355243683f,
        0.5016634166240692f, 0.6427869200706482f, 0.8614784181118011f,
    ];

    public override string Name => "nf4";

    public override float[] CodeBook => Values;

    // The code is the number of thresholds strictly below the value (bucketize with right=false).
    public override Tensor Encode(Tensor scaled)
    {
        using var thresholds = tensor(Thresholds, device: scaled.device);
        return bucketize(scaled, thresholds, outInt32: true);
    }
}

/// <summary>
/// bitsandbytes' FP4 (1 sign, 2 exponent, 1 mantissa bit, bias 3): magnitudes 0, 0.0625, 2, 3, 4, 6, 8, 12 divided by
/// 12, in the bit order of <c>get_4bit_type("fp4")</c>: code 0b0sxx... with the sign in bit 3. The encoder is
/// <c>dQuantizeFP4</c>: sign from <c>x &lt; 0</c>, magnitude by thresholds halfway between neighbouring values.
/// </summary>
internal sealed class Fp4Format : FourBitFormat
{
    public static Fp4Format Instance { get; } = new();

    // get_4bit_type("fp4") lists these, then divides by the largest magnitude (12) in float32. Python's "-0" in that
    // list is the integer 0, so code 8 is +0.0.
    private static readonly float[] Raw = [0f, 0.0625f, 8f, 12f, 4f, 6f, 2f, 3f, 0f, -0.0625f, -8f, -12f, -4f, -6f, -2f, -3f];

    private static readonly float[] Values = [.. Raw.Select(v => v / 12f)];

    // dQuantizeFP4's thresholds on |x|, ascending; bucket i (values above i thresholds) has the magnitude code below.
    private static readonly float[] MagnitudeThresholds = [0.00260417f, 0.0859375f, 0.20833333f, 0.29166667f, 0.4166667f, 0.583333f, 0.8333333f];

    private static readonly int[] MagnitudeCodes = [0b000, 0b001, 0b110, 0b111, 0b100, 0b101, 0b010, 0b011];

    public override string Name => "fp4";

    public override float[] CodeBook => Values;

    public override Tensor Encode(Tensor scaled)
    {
        using var scope = NewDisposeScope();
        var thresholds = tensor(MagnitudeThresholds, device: scaled.device);
        var magnitudeCodes = tensor(MagnitudeCodes, device: scaled.device);
        var magnitude = magnitudeCodes.index_select(0, bucketize(scaled.abs(), thresholds, outInt32: true).flatten()).view(scaled.shape);
        var sign = scaled.lt(0).to(ScalarType.Int32).mul(0b1000);
        return magnitude.add_(sign).MoveToOuterDisposeScope();
    }
}
