using static TorchSharp.torch;

namespace VlmForge.Models.Families.Qwen25Vl;

/// <summary>
/// Where each patch goes when attention runs window by window: every window is laid out as a row of
/// <see cref="TokensPerWindow"/> slots (window_size² / patch² patches), windows that the image's edge cuts short are
/// padded, and padded slots are hidden as keys. Windowed blocks then cost windows x slots² instead of patches².
/// </summary>
/// <param name="Windows">Number of windows.</param>
/// <param name="TokensPerWindow">Slots per window (64 for Qwen2.5-VL: 8 x 8 patches).</param>
/// <param name="Gather">[windows · slots] int64: the patch in each slot, or the patch count (an appended zero row) for padding.</param>
/// <param name="Scatter">[patches] int64: the slot of each patch.</param>
/// <param name="KeyMask">[windows, slots] bool, true for real patches; empty when no window is padded.</param>
public sealed record WindowLayout(long Windows, long TokensPerWindow, Tensor Gather, Tensor Scatter, Tensor KeyMask)
{
    /// <summary>The layout of an H x W image's patches (in the patchifier's order).</summary>
    public static WindowLayout For(long height, long width, Qwen25VlVisionConfig config, Device device) =>
        For([(height, width)], config, device);

    /// <summary>
    /// The layout of several images whose patches follow one another (image 0's patches, then image 1's...): each image
    /// has its own windows, cut by its own edges, as the reference's per-image <c>get_window_index</c> and
    /// <c>cu_window_seqlens</c> give; no window spans two images.
    /// </summary>
    public static WindowLayout For(IReadOnlyList<(long Height, long Width)> images, Qwen25VlVisionConfig config, Device device)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(config);
        long side = config.WindowSize / config.PatchSize;
        long slots = side * side;
        var parts = images.Select(i => Single(i.Height, i.Width, config, side)).ToList();
        long totalPatches = parts.Sum(p => p.Scatter.Length);
        long totalWindows = parts.Sum(p => p.Windows);
        var gather = new long[totalWindows * slots];
        var scatter = new long[totalPatches];
        long patchOffset = 0, slotOffset = 0;
        foreach (var part in parts)
        {
            long patches = part.Scatter.Length;
            for (long s = 0; s < part.Gather.Length; s++)
            {
                // The padding index of the whole sequence is its patch count (the appended zero row).
                gather[slotOffset + s] = part.Gather[s] == patches ? totalPatches : part.Gather[s] + patchOffset;
            }
            for (long p = 0; p < patches; p++)
            {
                scatter[patchOffset + p] = part.Scatter[p] + slotOffset;
            }
            patchOffset += patches;
            slotOffset += part.Gather.Length;
        }
        var padded = gather.Any(g => g == totalPatches);
        var keyMask = padded
            ? tensor(gather.Select(g => g < totalPatches).ToArray(), [totalWindows, slots]).to(device)
            : empty(0, ScalarType.Bool, device);
        return new WindowLayout(
            totalWindows, slots, tensor(gather, ScalarType.Int64).to(device), tensor(scatter, ScalarType.Int64).to(device), keyMask);
    }

    private static (long Windows, long[] Gather, long[] Scatter) Single(long height, long width, Qwen25VlVisionConfig config, long side)
    {
        long patchRows = height / config.PatchSize;
        long patchColumns = width / config.PatchSize;
        long windowRows = (patchRows + side - 1) / side;
        long windowColumns = (patchColumns + side - 1) / side;
        long slots = side * side;
        long patches = patchRows * patchColumns;
        long windows = windowRows * windowColumns;

        long[] rows;
        long[] columns;
        using (var scope = NewDisposeScope())
        {
            var (r, c) = Qwen25VlVisionGeometry.PatchCoordinates(height, width, config, CPU);
            rows = r.data<long>().ToArray();
            columns = c.data<long>().ToArray();
        }

        // Slots fill in patch order within each window, which keeps each merge group's patches together like the
        // reference's window index does.
        var gather = Enumerable.Repeat(patches, (int)(windows * slots)).ToArray();
        var scatter = new long[patches];
        var filled = new long[windows];
        for (long p = 0; p < patches; p++)
        {
            long window = rows[p] / side * windowColumns + columns[p] / side;
            long slot = window * slots + filled[window]++;
            gather[slot] = p;
            scatter[p] = slot;
        }
        return (windows, gather, scatter);
    }
}
