using TorchSharp;
using VlmForge.Models.Layers;
using static TorchSharp.torch;

namespace VlmForge.Models.Decoder;

/// <summary>A Llama block: x + attn(rmsnorm(x)), then x + mlp(rmsnorm(x)).</summary>
public sealed class DecoderLayer : nn.Module<Tensor, AttentionContext, Tensor>
{
    private readonly RmsNorm input_layernorm;
    private readonly DecoderAttention self_attn;
    private readonly RmsNorm post_attention_layernorm;
    private readonly DecoderMlp mlp;

    /// <summary>Layer <paramref name="layerIndex"/> of the decoder.</summary>
    public DecoderLayer(
        int layerIndex, long width, long heads, long keyValueHeads, long intermediate, double eps, ScalarType computeDtype, Device device,
        bool attentionBias = false)
        : base("decoder_layer")
    {
        input_layernorm = new RmsNorm(width, eps, device);
        self_attn = new DecoderAttention(layerIndex, width, heads, keyValueHeads, computeDtype, device, attentionBias);
        post_attention_layernorm = new RmsNorm(width, eps, device);
        mlp = new DecoderMlp(width, intermediate, computeDtype, device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor hidden, AttentionContext context)
    {
        using var scope = NewDisposeScope();
        var afterAttention = hidden + self_attn.call(input_layernorm.call(hidden), context);
        var output = afterAttention + mlp.call(post_attention_layernorm.call(afterAttention));
        return output.MoveToOuterDisposeScope();
    }
}
