namespace VlmForge.Data.Tasks;

/// <summary>
/// Limits for constrained decoding of grounding answers. Coordinates are non-negative integers (both model
/// conventions use integer pixels); with <see cref="MaxX"/>/<see cref="MaxY"/> set they also stay inside the
/// model's image (x1 &lt; x2 ≤ MaxX, y1 &lt; y2 ≤ MaxY).
/// </summary>
public sealed record GroundingConstraintOptions(int? MaxX = null, int? MaxY = null)
{
    public static GroundingConstraintOptions Unbounded { get; } = new();

    /// <summary>Coordinates of a square model image of side <paramref name="size"/> (the tiny convention).</summary>
    public static GroundingConstraintOptions ForSquareImage(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        return new GroundingConstraintOptions(size, size);
    }
}
