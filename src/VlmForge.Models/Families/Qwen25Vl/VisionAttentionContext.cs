using static TorchSharp.torch;

namespace VlmForge.Models.Families.Qwen25Vl;

/// <summary>What every vision block of one call shares: the 2D rotary tables and the window mask.</summary>
/// <param name="Cos">[patches, head width] rotary cosines (float32).</param>
/// <param name="Sin">[patches, head width] rotary sines (float32).</param>
/// <param name="WindowMask">[1, 1, patches, patches] bool: true where two patches share a window.</param>
public sealed record VisionAttentionContext(Tensor Cos, Tensor Sin, Tensor WindowMask);
