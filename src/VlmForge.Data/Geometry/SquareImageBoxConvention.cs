namespace VlmForge.Data.Geometry;

/// <summary>
/// The image is stretched to a <see cref="Size"/> x <see cref="Size"/> square and boxes are integer
/// pixels of that square, 0..Size (the tiny model's convention).
/// </summary>
public sealed class SquareImageBoxConvention : BoxConvention
{
    public SquareImageBoxConvention(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        Size = size;
    }

    public int Size { get; }

    public override string Name => $"square-{Size}px";

    public override ImageSize ModelImageSize(ImageSize original) => new(Size, Size);
}
