using TorchSharp;
using VlmForge.Models.Layers;
using static TorchSharp.torch;

namespace VlmForge.Models.Vision;

/// <summary>Bidirectional multi-head self-attention over image patches (SigLIP/CLIP names: q_proj, k_proj, v_proj, out_proj).</summary>
public sealed class VisionAttention : nn.Module<Tensor, Tensor>, IChildHost
{
    private nn.Module<Tensor, Tensor> q_proj;
    private nn.Module<Tensor, Tensor> k_proj;
    private nn.Module<Tensor, Tensor> v_proj;
    private nn.Module<Tensor, Tensor> out_proj;
    private readonly long heads;
    private readonly long headDim;

    /// <summary>Attention of width <paramref name="width"/> split into <paramref name="heads"/> heads.</summary>
    public VisionAttention(long width, long heads, ScalarType computeDtype, Device device) : base("self_attn")
    {
        this.heads = heads;
        headDim = width / heads;
        q_proj = new CastingLinear(width, width, hasBias: true, computeDtype, device);
        k_proj = new CastingLinear(width, width, hasBias: true, computeDtype, device);
        v_proj = new CastingLinear(width, width, hasBias: true, computeDtype, device);
        out_proj = new CastingLinear(width, width, hasBias: true, computeDtype, device);
        RegisterComponents();
    }

    /// <summary>Maps [N, P, width] to [N, P, width].</summary>
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var (n, p) = (hidden.shape[0], hidden.shape[1]);
        Tensor Heads(nn.Module<Tensor, Tensor> projection) =>
            projection.call(hidden).view(n, p, heads, headDim).transpose(1, 2);

        var attended = nn.functional.scaled_dot_product_attention(Heads(q_proj), Heads(k_proj), Heads(v_proj));
        var merged = attended.transpose(1, 2).reshape(n, p, heads * headDim);
        return out_proj.call(merged).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void ReplaceChild(string name, nn.Module<Tensor, Tensor> replacement) =>
        ChildSlots.Replace(this, _internal_submodules, name, replacement);
}
