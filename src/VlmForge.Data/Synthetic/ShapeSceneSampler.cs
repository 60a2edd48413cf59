using VlmForge.Data.Randomness;

namespace VlmForge.Data.Synthetic;

/// <summary>
/// Draws a random scene: a background and 1..MaxShapes shapes of distinct kinds and distinct colours
/// (so "the triangle" and "the green object" each name exactly one shape), not overlapping and at least
/// two pixels apart.
/// </summary>
public static class ShapeSceneSampler
{
    private const int Gap = 2;
    private const int PlacementTries = 200;

    public static ShapeScene Sample(SplitMix64 random, ShapesDatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(options);
        int size = options.ImageSize;
        Background background = SampleBackground(random);

        int wanted = random.NextInt(options.MinShapes, options.MaxShapes);
        var kinds = ShapeKinds.All.ToList();
        random.Shuffle(kinds);
        var colors = NamedColor.ShapeColors.ToList();
        random.Shuffle(colors);

        int minSide = Math.Max(6, (int)Math.Round(options.MinShapeFraction * size));
        int maxSide = Math.Max(minSide, (int)Math.Round(options.MaxShapeFraction * size));
        var shapes = new List<PlacedShape>();
        for (int i = 0; i < wanted; i++)
        {
            for (int attempt = 0; attempt < PlacementTries; attempt++)
            {
                int side = random.NextInt(minSide, maxSide);
                int x = random.NextInt(1, size - side - 1);
                int y = random.NextInt(1, size - side - 1);
                var candidate = new PlacedShape(kinds[i], colors[i], x, y, side);
                if (shapes.All(s => Apart(s, candidate)))
                {
                    shapes.Add(candidate);
                    break;
                }
            }
        }

        return new ShapeScene(size, background, shapes);
    }

    private static Background SampleBackground(SplitMix64 random)
    {
        var kind = (BackgroundKind)random.NextInt(3);
        IReadOnlyList<NamedColor> palette = NamedColor.BackgroundColors;
        NamedColor first = random.Pick(palette);
        NamedColor second = palette[(IndexOf(palette, first) + random.NextInt(1, palette.Count - 1)) % palette.Count];
        double angle = random.NextInt(0, 359);
        ulong noiseSeed = random.NextUInt64();
        return new Background(kind, first, second, angle, noiseSeed);
    }

    private static int IndexOf(IReadOnlyList<NamedColor> palette, NamedColor color)
    {
        for (int i = 0; i < palette.Count; i++)
        {
            if (palette[i] == color)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool Apart(PlacedShape a, PlacedShape b) =>
        a.X + a.Size + Gap <= b.X || b.X + b.Size + Gap <= a.X || a.Y + a.Size + Gap <= b.Y || b.Y + b.Size + Gap <= a.Y;
}
