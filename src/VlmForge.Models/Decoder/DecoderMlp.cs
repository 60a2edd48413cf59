using TorchSharp;
using VlmForge.Models.Layers;
using static TorchSharp.torch;

namespace VlmForge.Models.Decoder;

/// <summary>
/// SwiGLU feed-forward: down_proj(silu(gate_proj(x)) · up_proj(x)). The decoders' MLP (no biases) and also the
/// Qwen2.5-VL vision blocks' (with biases).
/// </summary>
public sealed class DecoderMlp : nn.Module<Tensor, Tensor>, IChildHost
{
    private nn.Module<Tensor, Tensor> gate_proj;
    private nn.Module<Tensor, Tensor> up_proj;
    private nn.Module<Tensor, Tensor> down_proj;

    /// <summary>An MLP from <paramref name="width"/> through <paramref name="intermediate"/> and back.</summary>
    /// <param name="hasBias">Whether the three projections carry biases.</param>
    public DecoderMlp(long width, long intermediate, ScalarType computeDtype, Device device, bool hasBias = false) : base("mlp")
    {
        gate_proj = new CastingLinear(width, intermediate, hasBias, computeDtype, device);
        up_proj = new CastingLinear(width, intermediate, hasBias, computeDtype, device);
        down_proj = new CastingLinear(intermediate, width, hasBias, computeDtype, device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var gated = nn.functional.silu(gate_proj.call(hidden)) * up_proj.call(hidden);
        return down_proj.call(gated).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void ReplaceChild(string name, nn.Module<Tensor, Tensor> replacement) =>
        ChildSlots.Replace(this, _internal_submodules, name, replacement);
}
