using TorchSharp;
using VlmForge.Models.Layers;
using static TorchSharp.torch;

namespace VlmForge.Models.Decoder;

/// <summary>
/// Llama self-attention with rotary positions and grouped-query attention: <c>num_key_value_heads</c> key/value heads
/// are shared by groups of query heads.
/// </summary>
public sealed class DecoderAttention : nn.Module<Tensor, AttentionContext, Tensor>, IChildHost
{
    private nn.Module<Tensor, Tensor> q_proj;
    private nn.Module<Tensor, Tensor> k_proj;
    private nn.Module<Tensor, Tensor> v_proj;
    private nn.Module<Tensor, Tensor> o_proj;
    private readonly int layerIndex;
    private readonly long heads;
    private readonly long keyValueHeads;
    private readonly long headDim;

    /// <summary>Attention for layer <paramref name="layerIndex"/> (its slot in the cache).</summary>
    /// <param name="layerIndex">The layer's slot in the key/value cache.</param>
    /// <param name="width">Model width.</param>
    /// <param name="heads">Query heads.</param>
    /// <param name="keyValueHeads">Key/value heads.</param>
    /// <param name="computeDtype">The dtype the matmuls run in.</param>
    /// <param name="device">Where the weights live.</param>
    /// <param name="attentionBias">Whether q_proj, k_proj and v_proj have a bias (Qwen2: yes; Llama: no). o_proj never has one.</param>
    public DecoderAttention(int layerIndex, long width, long heads, long keyValueHeads, ScalarType computeDtype, Device device, bool attentionBias = false)
        : base("self_attn")
    {
        this.layerIndex = layerIndex;
        this.heads = heads;
        this.keyValueHeads = keyValueHeads;
        headDim = width / heads;
        q_proj = new CastingLinear(width, heads * headDim, attentionBias, computeDtype, device);
        k_proj = new CastingLinear(width, keyValueHeads * headDim, attentionBias, computeDtype, device);
        v_proj = new CastingLinear(width, keyValueHeads * headDim, attentionBias, computeDtype, device);
        o_proj = new CastingLinear(heads * headDim, width, hasBias: false, computeDtype, device);
        RegisterComponents();
    }

    /// <summary>Maps [B, T, width] to [B, T, width]; with a cache, keys and values are appended and all cached ones attended.</summary>
    public override Tensor forward(Tensor hidden, AttentionContext context)
    {
        using var scope = NewDisposeScope();
        var (b, t) = (hidden.shape[0], hidden.shape[1]);
        var q = q_proj.call(hidden).view(b, t, heads, headDim).transpose(1, 2);
        var k = k_proj.call(hidden).view(b, t, keyValueHeads, headDim).transpose(1, 2);
        var v = v_proj.call(hidden).view(b, t, keyValueHeads, headDim).transpose(1, 2);
        q = RotaryEmbedding.Apply(q, context.Cos, context.Sin);
        k = RotaryEmbedding.Apply(k, context.Cos, context.Sin);

        if (context.Cache is { } cache)
        {
            (k, v) = cache.Append(layerIndex, k, v);
        }

        var attended = nn.functional.scaled_dot_product_attention(
            q, RepeatKeyValue(k), RepeatKeyValue(v), attn_mask: context.Mask, is_casual: context.IsCausal);
        var merged = attended.transpose(1, 2).reshape(b, t, heads * headDim);
        return o_proj.call(merged).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void ReplaceChild(string name, nn.Module<Tensor, Tensor> replacement) =>
        ChildSlots.Replace(this, _internal_submodules, name, replacement);

    /// <summary>[B, kvHeads, S, d] to [B, heads, S, d]: each key/value head serves heads/kvHeads query heads.</summary>
    private Tensor RepeatKeyValue(Tensor x)
    {
        var groups = heads / keyValueHeads;
        if (groups == 1)
        {
            return x;
        }
        var (b, s) = (x.shape[0], x.shape[2]);
        return x.unsqueeze(2).expand(b, keyValueHeads, groups, s, headDim).reshape(b, heads, s, headDim);
    }
}
