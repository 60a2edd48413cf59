using static TorchSharp.torch;

namespace VlmForge.Models.Families.Qwen25Vl;

/// <summary>
/// Where each patch of an image sits, in the patchifier's order: its row and column, and the 2D rotary tables built
/// from them. (The attention windows are in <see cref="WindowLayout"/>.)
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
