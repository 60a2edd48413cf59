using TorchSharp;
using VlmForge.Models.Decoder;
using VlmForge.Models.Layers;
using static TorchSharp.torch;

namespace VlmForge.Models.Families.Qwen25Vl;

/// <summary>
/// Bidirectional attention of the Qwen2.5-VL vision blocks: one fused <c>qkv</c> projection, 2D rotary positions on
/// queries and keys (applied in float32 like the reference), then <c>proj</c>. Windowed blocks only attend within a
/// window; full-attention blocks attend over the whole image.
/// </summary>
public sealed class Qwen25VlVisionAttention : nn.Module<Tensor, VisionAttentionContext, Tensor>, IChildHost
{
    private nn.Module<Tensor, Tensor> qkv;
    private nn.Module<Tensor, Tensor> proj;
    private readonly long heads;
    private readonly long headDim;
    private readonly bool windowed;

    /// <summary>Attention of width <paramref name="width"/>; <paramref name="windowed"/> restricts it to windows.</summary>
    public Qwen25VlVisionAttention(long width, long heads, bool windowed, ScalarType computeDtype, Device device) : base("attn")
    {
        this.heads = heads;
        headDim = width / heads;
        this.windowed = windowed;
        qkv = new CastingLinear(width, 3 * width, hasBias: true, computeDtype, device);
        proj = new CastingLinear(width, width, hasBias: true, computeDtype, device);
        RegisterComponents();
    }

    /// <summary>Maps [N, patches, width] to [N, patches, width].</summary>
    public override Tensor forward(Tensor hidden, VisionAttentionContext context)
    {
        using var scope = NewDisposeScope();
        var (n, patches) = (hidden.shape[0], hidden.shape[1]);
        var fused = qkv.call(hidden).view(n, patches, 3, heads, headDim).permute(2, 0, 3, 1, 4);
        var (q, k, v) = (fused[0], fused[1], fused[2]);
        var cos = context.Cos.unsqueeze(0);
        var sin = context.Sin.unsqueeze(0);
        q = RotaryEmbedding.Apply(q.to(ScalarType.Float32), cos, sin).to(v.dtype);
        k = RotaryEmbedding.Apply(k.to(ScalarType.Float32), cos, sin).to(v.dtype);
        var attended = windowed ? WindowAttention(q, k, v, context)
            : context.Images is { Count: > 1 } images ? PerImageAttention(q, k, v, images)
            : nn.functional.scaled_dot_product_attention(q, k, v);
        var merged = attended.transpose(1, 2).reshape(n, patches, heads * headDim);
        return proj.call(merged).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void ReplaceChild(string name, nn.Module<Tensor, Tensor> replacement) =>
        ChildSlots.Replace(this, _internal_submodules, name, replacement);

    /// <summary>Full attention within each image of a sequence of several: [1, heads, patches, d], image by image.</summary>
    private static Tensor PerImageAttention(Tensor q, Tensor k, Tensor v, IReadOnlyList<long> images)
    {
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>(images.Count);
        long start = 0;
        foreach (var patches in images)
        {
            parts.Add(nn.functional.scaled_dot_product_attention(q.narrow(2, start, patches), k.narrow(2, start, patches), v.narrow(2, start, patches)));
            start += patches;
        }
        return cat(parts, 2).MoveToOuterDisposeScope();
    }

    /// <summary>Attention within windows: [N, heads, patches, d] laid out as [N·windows, heads, slots, d] and back.</summary>
    private Tensor WindowAttention(Tensor q, Tensor k, Tensor v, VisionAttentionContext context)
    {
        using var scope = NewDisposeScope();
        var (n, patches) = (q.shape[0], q.shape[2]);
        var windows = context.Windows;
        var slots = context.Gather.shape[0] / windows;
        Tensor Windowed(Tensor x)
        {
            // A zero row at index `patches` fills the padded slots.
            var padded = cat([x, zeros(n, heads, 1, headDim, x.dtype, x.device)], 2);
            return padded.index_select(2, context.Gather).view(n, heads, windows, slots, headDim)
                .permute(0, 2, 1, 3, 4).reshape(n * windows, heads, slots, headDim);
        }

        var mask = context.KeyMask.numel() == 0
            ? null
            : context.KeyMask.view(1, windows, 1, 1, slots).expand(n, windows, 1, 1, slots).reshape(n * windows, 1, 1, slots);
        var attended = nn.functional.scaled_dot_product_attention(Windowed(q), Windowed(k), Windowed(v), attn_mask: mask);
        var back = attended.view(n, windows, heads, slots, headDim).permute(0, 2, 1, 3, 4).reshape(n, heads, windows * slots, headDim);
        return back.index_select(2, context.Scatter).MoveToOuterDisposeScope();
    }
}

/// <summary>A vision block: x + attn(norm1(x)), then x + mlp(norm2(x)), RMSNorm with eps 1e-6.</summary>
public sealed class Qwen25VlVisionBlock : nn.Module<Tensor, VisionAttentionContext, Tensor>
{
    private readonly RmsNorm norm1;
    private readonly RmsNorm norm2;
    private readonly Qwen25VlVisionAttention attn;
    private readonly DecoderMlp mlp;

    /// <summary>Block <paramref name="index"/> of <paramref name="config"/> (full attention when it is listed in fullatt_block_indexes).</summary>
    public Qwen25VlVisionBlock(int index, Qwen25VlVisionConfig config, ScalarType computeDtype, Device device) : base("block")
    {
        ArgumentNullException.ThrowIfNull(config);
        FullAttention = config.FullAttentionBlocks.Contains(index);
        // The reference registers norm1, norm2, attn, mlp in this order; the order decides the state_dict listing.
        norm1 = new RmsNorm(config.HiddenSize, 1e-6, device);
        norm2 = new RmsNorm(config.HiddenSize, 1e-6, device);
        attn = new Qwen25VlVisionAttention(config.HiddenSize, config.Heads, windowed: !FullAttention, computeDtype, device);
        mlp = new DecoderMlp(config.HiddenSize, config.IntermediateSize, computeDtype, device, hasBias: true);
        RegisterComponents();
    }

    /// <summary>Whether this block attends over the whole image.</summary>
    public bool FullAttention { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor hidden, VisionAttentionContext context)
    {
        using var scope = NewDisposeScope();
        var afterAttention = hidden + attn.call(norm1.call(hidden), context);
        var output = afterAttention + mlp.call(norm2.call(afterAttention));
        return output.MoveToOuterDisposeScope();
    }
}
