using VlmForge.Models.Generation;
using static TorchSharp.torch;

namespace VlmForge.Models.Decoder;

/// <summary>What every decoder layer of one forward call shares: rotary tables, the mask, and the cache to fill.</summary>
public sealed class AttentionContext
{
    /// <summary>Creates the context of one forward call.</summary>
    public AttentionContext(Tensor cos, Tensor sin, Tensor? mask, bool isCausal, KvCache? cache)
    {
        Cos = cos;
        Sin = sin;
        Mask = mask;
        IsCausal = isCausal;
        Cache = cache;
    }

    /// <summary>Rotary cos table [B, T, headDim] in the compute dtype.</summary>
    public Tensor Cos { get; }

    /// <summary>Rotary sin table [B, T, headDim] in the compute dtype.</summary>
    public Tensor Sin { get; }

    /// <summary>Boolean mask [B, 1, T, S] (true = may attend), or null when <see cref="IsCausal"/> alone is right.</summary>
    public Tensor? Mask { get; }

    /// <summary>Plain causal attention over the call's own tokens (no cache, no mask needed).</summary>
    public bool IsCausal { get; }

    /// <summary>The key/value cache to append to, or null in training.</summary>
    public KvCache? Cache { get; }
}
