using static TorchSharp.torch;

namespace VlmForge.Models.Families.Qwen25Vl;

/// <summary>
/// Where each patch of an image sits, in the patchifier's order: its row and column (for the 2D rotary positions) and
/// its attention window. A window is window_size pixels square (112 = 4 x 4 merged tokens); windows start at the
/// top-left, so the last row and column of windows may be smaller, exactly as Qwen's padded window index leaves them.
/// </summary>
public static class Qwen25VlVisionGeometry
{
    /// <summary>Row and column [patches] int64 of every patch of an H x W image.</summary>
    public static (Tensor Rows, Tensor Columns) PatchCoordinates(long height, long width, Qwen25VlVisionConfig config, Device device)
    {
        ArgumentNullException.ThrowIfNull(config);
        using var scope = NewDisposeScope();
        var (rowGroups, columnGroups, merge) = (height / config.Factor, width / config.Factor, (long)config.SpatialMergeSize);
        var rowGroup = arange(rowGroups, ScalarType.Int64, device).view(-1, 1, 1, 1);
        var columnGroup = arange(columnGroups, ScalarType.Int64, device).view(1, -1, 1, 1);
        var inRow = arange(merge, ScalarType.Int64, device).view(1, 1, -1, 1);
        var inColumn = arange(merge, ScalarType.Int64, device).view(1, 1, 1, -1);
        var shape = new[] { rowGroups, columnGroups, merge, merge };
        var rows = (rowGroup * merge + inRow).expand(shape).reshape(-1);
        var columns = (columnGroup * merge + inColumn).expand(shape).reshape(-1);
        return (rows.MoveToOuterDisposeScope(), columns.MoveToOuterDisposeScope());
    }

    /// <summary>[1, 1, patches, patches] bool: whether two patches share an attention window.</summary>
    public static Tensor WindowMask(long height, long width, Qwen25VlVisionConfig config, Device device)
    {
        ArgumentNullException.ThrowIfNull(config);
        using var scope = NewDisposeScope();
        var (rows, columns) = PatchCoordinates(height, width, config, device);
        long patchesPerWindow = config.WindowSize / config.PatchSize;
        long windowColumns = (width / config.PatchSize + patchesPerWindow - 1) / patchesPerWindow;
        var window = rows.div(patchesPerWindow, rounding_mode: RoundingMode.floor) * windowColumns
            + columns.div(patchesPerWindow, rounding_mode: RoundingMode.floor);
        var same = window.unsqueeze(1) == window.unsqueeze(0);
        return same.unsqueeze(0).unsqueeze(0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Rotary cos and sin [patches, head width] (float32): the first half of each head's frequencies turns with the
    /// patch row, the second half with its column (theta 10000), each half duplicated for the rotate-half layout.
    /// </summary>
    public static (Tensor Cos, Tensor Sin) RotaryTables(long height, long width, Qwen25VlVisionConfig config, Device device)
    {
        ArgumentNullException.ThrowIfNull(config);
        using var scope = NewDisposeScope();
        var (rows, columns) = PatchCoordinates(height, width, config, device);
        long rotaryDim = config.HeadDim / 2;
        var inverse = pow(10000.0, arange(0, rotaryDim, 2, ScalarType.Int64, device).to(ScalarType.Float32) / rotaryDim).reciprocal();
        var angles = cat([rows.to(ScalarType.Float32).unsqueeze(1) * inverse, columns.to(ScalarType.Float32).unsqueeze(1) * inverse], 1);
        var doubled = cat([angles, angles], 1);
        return (doubled.cos().MoveToOuterDisposeScope(), doubled.sin().MoveToOuterDisposeScope());
    }
}
