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
    public static WindowLayout For(long height, long width, Qwen25VlVisionConfig config, Device device)
    {
        ArgumentNullException.ThrowIfNull(config);
        long patchRows = height / config.PatchSize;
        long patchColumns = width / config.PatchSize;
        long side = config.WindowSize / config.PatchSize;
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
        var padded = filled.Any(f => f < slots);
        var keyMask = padded
            ? tensor(gather.Select(g => g < patches).ToArray(), [windows, slots]).to(device)
            : empty(0, ScalarType.Bool, device);
        return new WindowLayout(
            windows, slots, tensor(gather, ScalarType.Int64).to(device), tensor(scatter, ScalarType.Int64).to(device), keyMask);
    }
}
