using TorchSharp;
using static TorchSharp.torch;

namespace VlmForge.Models.Decoder;

/// <summary>
/// Rotary position embedding (RoPE, Llama's "rotate half" layout): the tables are computed per call from integer
/// positions, so left-padded rows and cached decoding get the same angles as a full recompute.
/// </summary>
public static class RotaryEmbedding
{
    /// <summary>cos and sin tables [B, T, headDim] in <paramref name="dtype"/> for positions [B, T] (int64).</summary>
    public static (Tensor Cos, Tensor Sin) Tables(Tensor positions, long headDim, double theta, ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(positions);
        using var scope = NewDisposeScope();
        // inv_freq_i = theta^(-2i/d), computed in float32 like Hugging Face so angles match checkpoints.
        var exponents = arange(0, headDim, 2, ScalarType.Int64, positions.device).to(ScalarType.Float32) / headDim;
        var inverseFrequencies = pow(theta, exponents).reciprocal();
        var angles = positions.to(ScalarType.Float32).unsqueeze(-1) * inverseFrequencies;
        var doubled = cat([angles, angles], -1);
        var cos = doubled.cos().to(dtype).MoveToOuterDisposeScope();
        var sin = doubled.sin().to(dtype).MoveToOuterDisposeScope();
        return (cos, sin);
    }

    /// <summary>Rotates <paramref name="x"/> [B, heads, T, headDim] by the tables [B, T, headDim].</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var half = x.shape[^1] / 2;
        var first = x.narrow(-1, 0, half);
        var second = x.narrow(-1, half, half);
        var rotated = cat([-second, first], -1);
        var result = x * cos.unsqueeze(1) + rotated * sin.unsqueeze(1);
        return result.MoveToOuterDisposeScope();
    }
}
