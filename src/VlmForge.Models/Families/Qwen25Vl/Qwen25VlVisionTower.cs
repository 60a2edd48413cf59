using TorchSharp;
using TorchSharp.Modules;
using VlmForge.Models.Checkpointing;
using static TorchSharp.torch;

namespace VlmForge.Models.Families.Qwen25Vl;

/// <summary>
/// <c>visual</c>: patch embedding (Conv3d, patch 14, temporal patch 2), blocks with 2D rotary positions and window
/// attention (full attention in <c>fullatt_block_indexes</c>), and the 2x2 patch merger.
/// </summary>
/// <remarks>
/// The reference reorders patches window by window for the whole tower so its variable-length attention kernel sees
/// each window as one sequence, and restores the order after the merger. Here the patches keep the processor's order
/// and only windowed attention lays them out window by window (<see cref="WindowLayout"/>), padding the windows the
/// image edge cuts short: the same function, equal up to float summation order.
/// </remarks>
public sealed class Qwen25VlVisionTower : nn.Module<Tensor, Tensor>
{
    private readonly Qwen25VlPatchEmbed patch_embed;
    private readonly ModuleList<Qwen25VlVisionBlock> blocks;
    private readonly Qwen25VlPatchMerger merger;
    private readonly Qwen25VlVisionConfig config;

    /// <summary>The tower of <paramref name="config"/>.</summary>
    public Qwen25VlVisionTower(Qwen25VlVisionConfig config, ScalarType computeDtype, Device device) : base("visual")
    {
        ArgumentNullException.ThrowIfNull(config);
        this.config = config;
        patch_embed = new Qwen25VlPatchEmbed(config, computeDtype, device);
        blocks = new ModuleList<Qwen25VlVisionBlock>(
            Enumerable.Range(0, config.Depth).Select(i => new Qwen25VlVisionBlock(i, config, computeDtype, device)).ToArray());
        merger = new Qwen25VlPatchMerger(config, computeDtype, device);
        RegisterComponents();
    }

    /// <summary>Recompute each block's activations in backward instead of keeping them.</summary>
    public bool GradientCheckpointing { get; set; }

    /// <summary>Maps normalized pixels [N, 3, H, W] (H, W multiples of 28) to decoder tokens [N, (H/28)·(W/28), out width], row-major.</summary>
    public override Tensor forward(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        var (height, width) = (pixels.shape[2], pixels.shape[3]);
        var patches = Qwen25VlPatchifier.Patchify(pixels, config.PatchSize, config.TemporalPatchSize, config.SpatialMergeSize);
        var hidden = patch_embed.call(patches);
        var (cos, sin) = Qwen25VlVisionGeometry.RotaryTables(height, width, config, hidden.device);
        var layout = WindowLayout.For(height, width, config, hidden.device);
        var windows = layout.Windows;
        hidden = CheckpointedStack.Run(
            blocks, hidden, [cos, sin, layout.Gather, layout.Scatter, layout.KeyMask], GradientCheckpointing,
            (block, x, c) => block.call(x, new VisionAttentionContext(c[0], c[1], c[2], c[3], c[4], windows)));
        return merger.call(hidden).MoveToOuterDisposeScope();
    }
}
