namespace VlmForge.Data.Synthetic;

/// <summary>Settings of the synthetic shapes dataset. The same options and seed give byte-identical files.</summary>
public sealed record ShapesDatasetOptions
{
    /// <summary>Side of the square images in pixels (16..1024).</summary>
    public int ImageSize { get; init; } = 64;

    public int TrainCount { get; init; } = 1000;

    public int ValidationCount { get; init; } = 200;

    public ulong Seed { get; init; } = 42;

    public int MinShapes { get; init; } = 1;

    /// <summary>At most 4: shapes in one image have different kinds and colours, so every question has one answer.</summary>
    public int MaxShapes { get; init; } = 3;

    /// <summary>Smallest shape side as a fraction of the image side.</summary>
    public double MinShapeFraction { get; init; } = 0.2;

    /// <summary>Largest shape side as a fraction of the image side.</summary>
    public double MaxShapeFraction { get; init; } = 0.34;

    public void Validate()
    {
        Require(ImageSize is >= 16 and <= 1024, nameof(ImageSize), $"must be 16..1024 pixels, got {ImageSize}");
        Require(TrainCount >= 1, nameof(TrainCount), $"must be at least 1, got {TrainCount}");
        Require(ValidationCount >= 0, nameof(ValidationCount), $"must not be negative, got {ValidationCount}");
        Require(MinShapes >= 1 && MinShapes <= MaxShapes, nameof(MinShapes), $"must be 1..MaxShapes, got {MinShapes}");
        Require(MaxShapes <= ShapeKinds.All.Count, nameof(MaxShapes), $"must be at most {ShapeKinds.All.Count} (one shape of each kind), got {MaxShapes}");
        Require(MinShapeFraction > 0 && MinShapeFraction <= MaxShapeFraction, nameof(MinShapeFraction), $"must be in (0, MaxShapeFraction], got {MinShapeFraction}");
        Require(MaxShapeFraction * MaxShapes <= 1.2, nameof(MaxShapeFraction), $"x MaxShapes must leave room for the shapes side by side (at most 1.2), got {MaxShapeFraction * MaxShapes}");
        Require(MinShapeFraction * ImageSize >= 6, nameof(MinShapeFraction), $"gives shapes under 6 pixels at {ImageSize} px; raise it or the image size");
    }

    private static void Require(bool condition, string name, string message)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(name, $"{name} {message}.");
        }
    }
}
