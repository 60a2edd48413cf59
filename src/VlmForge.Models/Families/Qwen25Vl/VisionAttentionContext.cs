using static TorchSharp.torch;

namespace VlmForge.Models.Families.Qwen25Vl;

/// <summary>What every vision block of one call shares: the 2D rotary tables and the window layout.</summary>
/// <param name="Cos">[patches, head width] rotary cosines (float32).</param>
/// <param name="Sin">[patches, head width] rotary sines (float32).</param>
/// <param name="Gather">The window layout's patch per slot (see <see cref="WindowLayout.Gather"/>).</param>
/// <param name="Scatter">The window layout's slot per patch (see <see cref="WindowLayout.Scatter"/>).</param>
/// <param name="KeyMask">The window layout's real-slot mask, empty when no window is padded.</param>
/// <param name="Windows">Number of windows.</param>
/// <param name="Images">Patches of each image when several images of different sizes follow one another in one sequence:
/// full-attention blocks attend within each image only (the reference's <c>cu_seqlens</c>); null when each row is one image.</param>
public sealed record VisionAttentionContext(
    Tensor Cos, Tensor Sin, Tensor Gather, Tensor Scatter, Tensor KeyMask, long Windows, IReadOnlyList<long>? Images = null);
