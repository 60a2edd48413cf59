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
        return Run(patches, [(height, width)], null).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Images of different sizes: image i is [:, :H_i, :W_i] of slot i of <paramref name="pixels"/> (each side a multiple of
    /// 28). Their patches run as one sequence like the reference's (each image its own 2D positions and windows, full
    /// attention within each image); returns [1, Σ (H_i/28)·(W_i/28), out width], image after image.
    /// </summary>
    public Tensor Forward(Tensor pixels, IReadOnlyList<(long Height, long Width)> sizes)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Count != pixels.shape[0])
        {
            throw new ArgumentException($"{sizes.Count} sizes for {pixels.shape[0]} images.", nameof(sizes));
        }
        using var scope = NewDisposeScope();
        var patches = cat(sizes.Select((size, i) => Qwen25VlPatchifier.Patchify(
            pixels.narrow(0, i, 1).narrow(2, 0, size.Height).narrow(3, 0, size.Width),
            config.PatchSize, config.TemporalPatchSize, config.SpatialMergeSize)).ToArray(), 1);
        var perImage = sizes.Select(s => s.Height / config.PatchSize * (s.Width / config.PatchSize)).ToArray();
        return Run(patches, sizes, perImage).MoveToOuterDisposeScope();
    }

    private Tensor Run(Tensor patches, IReadOnlyList<(long Height, long Width)> sizes, IReadOnlyList<long>? images)
    {
        using var scope = NewDisposeScope();
        var hidden = patch_embed.call(patches);
        var tables = sizes.Select(s => Qwen25VlVisionGeometry.RotaryTables(s.Height, s.Width, config, hidden.device)).ToList();
        var (cos, sin) = tables.Count == 1 ? tables[0] : (cat(tables.Select(t => t.Cos).ToArray(), 0), cat(tables.Select(t => t.Sin).ToArray(), 0));
        var layout = WindowLayout.For(sizes, config, hidden.device);
        var windows = layout.Windows;
        hidden = CheckpointedStack.Run(
            blocks, hidden, [cos, sin, layout.Gather, layout.Scatter, layout.KeyMask], GradientCheckpointing,
            (block, x, c) => block.call(x, new VisionAttentionContext(c[0], c[1], c[2], c[3], c[4], windows, images)));
        return merger.call(hidden).MoveToOuterDisposeScope();
    }
}
