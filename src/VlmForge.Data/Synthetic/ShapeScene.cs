using SkiaSharp;
using VlmForge.Data.Geometry;

namespace VlmForge.Data.Synthetic;

public enum ShapeKind
{
    Circle,
    Square,
    Triangle,
    Star,
}

public static class ShapeKinds
{
    public static IReadOnlyList<ShapeKind> All { get; } = [ShapeKind.Circle, ShapeKind.Square, ShapeKind.Triangle, ShapeKind.Star];

    public static string Name(ShapeKind kind) => kind switch
    {
        ShapeKind.Circle => "circle",
        ShapeKind.Square => "square",
        ShapeKind.Triangle => "triangle",
        ShapeKind.Star => "star",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown shape."),
    };
}

/// <summary>A named colour.</summary>
public sealed record NamedColor(string Name, SKColor Color)
{
    /// <summary>The six shape colours: saturated, so they stand out from the neutral backgrounds.</summary>
    public static IReadOnlyList<NamedColor> ShapeColors { get; } =
    [
        new("red", new SKColor(220, 40, 40)),
        new("green", new SKColor(40, 170, 60)),
        new("blue", new SKColor(40, 80, 220)),
        new("yellow", new SKColor(240, 210, 40)),
        new("purple", new SKColor(150, 60, 190)),
        new("orange", new SKColor(245, 140, 30)),
    ];

    /// <summary>Neutral background colours.</summary>
    public static IReadOnlyList<NamedColor> BackgroundColors { get; } =
    [
        new("white", new SKColor(240, 240, 240)),
        new("light gray", new SKColor(190, 190, 190)),
        new("gray", new SKColor(128, 128, 128)),
        new("dark gray", new SKColor(64, 64, 64)),
        new("black", new SKColor(20, 20, 20)),
        new("beige", new SKColor(225, 210, 180)),
    ];
}

public enum BackgroundKind
{
    Solid,
    Gradient,
    Noise,
}

/// <summary>A background: one colour, a linear gradient between two at an angle, or per-pixel noise around one.</summary>
public sealed record Background(BackgroundKind Kind, NamedColor Color, NamedColor SecondColor, double AngleDegrees, ulong NoiseSeed)
{
    public string Description => Kind switch
    {
        BackgroundKind.Solid => $"a {Color.Name} background",
        BackgroundKind.Gradient => $"a {Color.Name} to {SecondColor.Name} gradient background",
        _ => $"a noisy {Color.Name} background",
    };
}

/// <summary>One shape, filling the square cell [X, Y, X+Size, Y+Size] (its box, in pixels).</summary>
public sealed record PlacedShape(ShapeKind Kind, NamedColor Color, int X, int Y, int Size)
{
    public BoundingBox Box => new(X, Y, X + Size, Y + Size);

    public double CenterX => X + (Size / 2.0);

    public double CenterY => Y + (Size / 2.0);

    /// <summary>"a red circle", "an orange star".</summary>
    public string Phrase => $"{("aeiou".Contains(Color.Name[0], StringComparison.Ordinal) ? "an" : "a")} {Color.Name} {ShapeKinds.Name(Kind)}";
}

/// <summary>Everything needed to draw and describe one synthetic image.</summary>
public sealed record ShapeScene(int ImageSize, Background Background, IReadOnlyList<PlacedShape> Shapes);
