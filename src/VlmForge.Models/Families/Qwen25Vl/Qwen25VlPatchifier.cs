using static TorchSharp.torch;

namespace VlmForge.Models.Families.Qwen25Vl;

/// <summary>
/// Qwen2-VL's image processor step after resizing and normalizing: the image is repeated to fill a temporal patch
/// (an image is a 2-frame video of itself), cut into patch x patch squares, and the squares are ordered so that each
/// spatial_merge x spatial_merge group the merger joins is consecutive: (row group, column group, row in group,
/// column in group). Each patch is flattened channel-major as (channel, frame, y, x), the Conv3d kernel's layout.
/// </summary>
public static class Qwen25VlPatchifier
{
    /// <summary>Pixels [N, C, H, W] to patches [N, (H/p)·(W/p), C·temporal·p·p].</summary>
    public static Tensor Patchify(Tensor pixels, int patchSize, int temporalPatchSize, int mergeSize)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        var (n, channels, height, width) = (pixels.shape[0], pixels.shape[1], pixels.shape[2], pixels.shape[3]);
        long factor = (long)patchSize * mergeSize;
        if (pixels.ndim != 4 || height % factor != 0 || width % factor != 0)
        {
            throw new ArgumentException(
                $"Qwen2.5-VL images must be [N, C, H, W] with H and W multiples of patch x merge = {factor}, got [{string.Join(", ", pixels.shape)}]. " +
                "Resize them with the smart resize first.",
                nameof(pixels));
        }

        using var scope = NewDisposeScope();
        var (rowGroups, columnGroups) = (height / factor, width / factor);
        var frames = pixels.unsqueeze(1).expand(n, temporalPatchSize, channels, height, width);
        var grid = frames.reshape(n, temporalPatchSize, channels, rowGroups, mergeSize, patchSize, columnGroups, mergeSize, patchSize);
        // (n, frame, channel, row group, row in group, y, column group, column in group, x)
        //   -> (n, row group, column group, row in group, column in group, channel, frame, y, x)
        var ordered = grid.permute(0, 3, 6, 4, 7, 2, 1, 5, 8);
        var patches = ordered.reshape(n, height / patchSize * (width / patchSize), channels * temporalPatchSize * patchSize * patchSize);
        return patches.contiguous().MoveToOuterDisposeScope();
    }
}
