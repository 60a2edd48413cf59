namespace VlmForge.Data.Geometry;

/// <summary>
/// How an image is split into tiles (SmolVLM / Idefics3): <see cref="Rows"/> x <see cref="Cols"/> tiles, read row by row,
/// followed by one global view of the whole image; <see cref="None"/> (0 x 0) for an image that is not split.
/// </summary>
public readonly record struct TileGrid
{
    /// <summary>A grid of <paramref name="rows"/> x <paramref name="cols"/> tiles; both 0 for an unsplit image.</summary>
    public TileGrid(int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        if ((rows == 0) != (cols == 0))
        {
            throw new ArgumentException($"A tile grid of {rows} x {cols} has tiles on one axis only; give both or neither.", nameof(cols));
        }
        Rows = rows;
        Cols = cols;
    }

    /// <summary>An image that is not split: one frame.</summary>
    public static TileGrid None => default;

    public int Rows { get; }

    public int Cols { get; }

    /// <summary>The image is split into tiles plus a global view.</summary>
    public bool IsSplit => Rows > 0;

    /// <summary>Frames the vision encoder sees: every tile and the global view, or the one image.</summary>
    public int Frames => IsSplit ? Rows * Cols + 1 : 1;

    public override string ToString() => IsSplit ? $"{Rows}x{Cols} tiles + global" : "unsplit";
}
