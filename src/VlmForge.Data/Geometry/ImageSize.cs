namespace VlmForge.Data.Geometry;

/// <summary>Width and height of an image in pixels.</summary>
public readonly record struct ImageSize
{
    public ImageSize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
    }

    public int Width { get; }

    public int Height { get; }

    public override string ToString() => $"{Width}x{Height}";
}
