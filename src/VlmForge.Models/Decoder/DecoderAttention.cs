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

        var attended = Inspection.AttentionProbe.Current is { } probe
            ? ExplicitAttention(q, RepeatKeyValue(k), RepeatKeyValue(v), context, probe)
            : nn.functional.scaled_dot_product_attention(
                q, RepeatKeyValue(k), RepeatKeyValue(v), attn_mask: context.Mask, is_casual: context.IsCausal);
        var merged = attended.transpose(1, 2).reshape(b, t, heads * headDim);
        return o_proj.call(merged).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void ReplaceChild(string name, nn.Module<Tensor, Tensor> replacement) =>
        ChildSlots.Replace(this, _internal_submodules, name, replacement);

    /// <summary>Attention with its probabilities computed in the open (what SDPA fuses away), reported to a diagnostic probe.</summary>
    private Tensor ExplicitAttention(Tensor q, Tensor k, Tensor v, AttentionContext context, Inspection.AttentionProbe probe)
    {
        var (t, s) = (q.shape[2], k.shape[2]);
        var scores = q.to(ScalarType.Float32).matmul(k.to(ScalarType.Float32).transpose(-2, -1)) / Math.Sqrt(headDim);
        var allowed = context.Mask ?? (context.IsCausal
            ? ones(t, s, ScalarType.Bool, q.device).tril(s - t).unsqueeze(0).unsqueeze(0)
            : ones(1, 1, t, s, ScalarType.Bool, q.device));
        // A query that may attend nothing (a padding row) gets zeros, not NaN, so no NaN reaches real tokens' values.
        var probabilities = scores.masked_fill(allowed.logical_not(), float.NegativeInfinity).softmax(-1).nan_to_num(0);
        probe.RecordAttention(layerIndex, probabilities);
        return probabilities.to(v.dtype).matmul(v);
    }

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
