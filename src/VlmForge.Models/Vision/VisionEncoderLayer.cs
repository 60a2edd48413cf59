using TorchSharp;
using VlmForge.Models.Layers;
using static TorchSharp.torch;

namespace VlmForge.Models.Vision;

/// <summary>A pre-norm transformer block: x + attn(norm1(x)), then x + mlp(norm2(x)).</summary>
public sealed class VisionEncoderLayer : nn.Module<Tensor, Tensor>
{
    private readonly Fp32LayerNorm layer_norm1;
    private readonly VisionAttention self_attn;
    private readonly Fp32LayerNorm layer_norm2;
    private readonly VisionMlp mlp;

    /// <summary>One block of the vision tower.</summary>
    public VisionEncoderLayer(long width, long heads, long intermediate, double eps, ScalarType computeDtype, Device device, bool tanhGelu = false)
        : base("vision_layer")
    {
        layer_norm1 = new Fp32LayerNorm(width, eps, device);
        self_attn = new VisionAttention(width, heads, computeDtype, device);
        layer_norm2 = new Fp32LayerNorm(width, eps, device);
        mlp = new VisionMlp(width, intermediate, computeDtype, device, tanhGelu);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var afterAttention = hidden + self_attn.call(layer_norm1.call(hidden));
        var output = afterAttention + mlp.call(layer_norm2.call(afterAttention));
        return output.MoveToOuterDisposeScope();
    }
}
