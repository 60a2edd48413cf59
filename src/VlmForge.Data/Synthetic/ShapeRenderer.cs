using SkiaSharp;
using VlmForge.Data.Randomness;

namespace VlmForge.Data.Synthetic;

/// <summary>Draws a <see cref="ShapeScene"/> with SkiaSharp on the CPU (deterministic for the same scene).</summary>
public static class ShapeRenderer
{
    private const int NoiseAmplitude = 28;

    public static SKBitmap Render(ShapeScene scene)
    {
        ArgumentNullException.ThrowIfNull(scene);
        int size = scene.ImageSize;
        var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        DrawBackground(canvas, bitmap, scene.Background, size);
        foreach (PlacedShape shape in scene.Shapes)
        {
            using var paint = new SKPaint { Color = shape.Color.Color, IsAntialias = true, Style = SKPaintStyle.Fill };
            using SKPath path = Outline(shape);
            canvas.DrawPath(path, paint);
        }

        canvas.Flush();
        return bitmap;
    }

    /// <summary>The shape's outline; every outline fills its cell's bounding box exactly.</summary>
    public static SKPath Outline(PlacedShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        float x = shape.X, y = shape.Y, s = shape.Size;
        var path = new SKPath();
        switch (shape.Kind)
        {
            case ShapeKind.Circle:
                path.AddOval(new SKRect(x, y, x + s, y + s));
                break;
            case ShapeKind.Square:
                path.AddRect(new SKRect(x, y, x + s, y + s));
                break;
            case ShapeKind.Triangle:
                path.MoveTo(x + (s / 2), y);
                path.LineTo(x + s, y + s);
                path.LineTo(x, y + s);
                path.Close();
                break;
            default:
                AddStar(path, x, y, s);
                break;
        }

        return path;
    }

    private static void AddStar(SKPath path, float x, float y, float s)
    {
        // A five-pointed star, then stretched so its points touch all four sides of the cell.
        var points = new SKPoint[10];
        for (int i = 0; i < 10; i++)
        {
            double radius = i % 2 == 0 ? 1.0 : 0.45;
            double angle = (-Math.PI / 2) + (i * Math.PI / 5);
            points[i] = new SKPoint((float)(radius * Math.Cos(angle)), (float)(radius * Math.Sin(angle)));
        }

        float minX = points.Min(p => p.X), maxX = points.Max(p => p.X);
        float minY = points.Min(p => p.Y), maxY = points.Max(p => p.Y);
        for (int i = 0; i < points.Length; i++)
        {
            var p = new SKPoint(x + ((points[i].X - minX) / (maxX - minX) * s), y + ((points[i].Y - minY) / (maxY - minY) * s));
            if (i == 0)
            {
                path.MoveTo(p);
            }
            else
            {
                path.LineTo(p);
            }
        }

        path.Close();
    }

    private static void DrawBackground(SKCanvas canvas, SKBitmap bitmap, Background background, int size)
    {
        switch (background.Kind)
        {
            case BackgroundKind.Solid:
                canvas.Clear(background.Color.Color);
                break;
            case BackgroundKind.Gradient:
                FillGradient(bitmap, background, size);
                break;
            default:
                FillNoise(bitmap, background);
                break;
        }
    }

    /// <summary>
    /// A linear gradient across the image at the background's angle, computed here rather than with a Skia
    /// shader: shader arithmetic may round differently on CPUs with other SIMD paths, this does not.
    /// </summary>
    private static void FillGradient(SKBitmap bitmap, Background background, int size)
    {
        double radians = background.AngleDegrees * Math.PI / 180;
        double dx = Math.Cos(radians), dy = Math.Sin(radians);
        double half = size / 2.0;
        SKColor from = background.Color.Color, to = background.SecondColor.Color;
        Span<byte> pixels = bitmap.GetPixelSpan();
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                // Position of the pixel centre along the gradient direction, 0 at one edge and 1 at the other.
                double along = ((((x + 0.5) - half) * dx) + (((y + 0.5) - half) * dy)) / size;
                double t = Math.Clamp(along + 0.5, 0, 1);
                int i = ((y * size) + x) * 4;
                pixels[i] = Lerp(from.Red, to.Red, t);
                pixels[i + 1] = Lerp(from.Green, to.Green, t);
                pixels[i + 2] = Lerp(from.Blue, to.Blue, t);
                pixels[i + 3] = 255;
            }
        }

        bitmap.NotifyPixelsChanged();
    }

    private static byte Lerp(byte a, byte b, double t) => (byte)Math.Round(a + ((b - a) * t), MidpointRounding.AwayFromZero);

    private static void FillNoise(SKBitmap bitmap, Background background)
    {
        var random = new SplitMix64(background.NoiseSeed);
        SKColor c = background.Color.Color;
        Span<byte> pixels = bitmap.GetPixelSpan();
        for (int i = 0; i < pixels.Length; i += 4)
        {
            // Grey noise: the same offset on all three channels keeps the background neutral.
            int offset = random.NextInt(-NoiseAmplitude, NoiseAmplitude);
            pixels[i] = (byte)Math.Clamp(c.Red + offset, 0, 255);
            pixels[i + 1] = (byte)Math.Clamp(c.Green + offset, 0, 255);
            pixels[i + 2] = (byte)Math.Clamp(c.Blue + offset, 0, 255);
            pixels[i + 3] = 255;
        }

        bitmap.NotifyPixelsChanged();
    }
}
