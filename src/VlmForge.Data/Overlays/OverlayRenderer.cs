using SkiaSharp;
using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Data.Tasks;

namespace VlmForge.Data.Overlays;

/// <summary>Colours and size of an overlay picture.</summary>
public sealed record OverlayOptions
{
    public SKColor TrueColor { get; init; } = new(0, 200, 80);

    public SKColor PredictedColor { get; init; } = new(255, 40, 200);

    /// <summary>Small images are enlarged (nearest neighbour) until their shorter side reaches this, so labels are legible.</summary>
    public int MinimumSide { get; init; } = 384;

    public float LabelSize { get; init; } = 13;
}

/// <summary>
/// Draws true boxes (solid, green by default) and predicted boxes (dashed, magenta) with their phrases
/// on the image and saves a PNG, for evaluation output. Boxes are in original image pixels. Labels need a
/// system font; without one the boxes are still drawn.
/// </summary>
public static class OverlayRenderer
{
    public static void Save(string imagePath, PhraseGrounding? truth, PhraseGrounding? predicted, string outputPng, OverlayOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagePath);
        using SKBitmap image = ImageDecoder.Decode(imagePath);
        Save(image, truth, predicted, outputPng, options);
    }

    public static void Save(SKBitmap image, PhraseGrounding? truth, PhraseGrounding? predicted, string outputPng, OverlayOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputPng);
        using SKBitmap overlay = Render(image, truth, predicted, options);
        PngWriter.Save(overlay, outputPng);
    }

    public static SKBitmap Render(SKBitmap image, PhraseGrounding? truth, PhraseGrounding? predicted, OverlayOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        options ??= new OverlayOptions();
        int shorter = Math.Min(image.Width, image.Height);
        float scale = shorter >= options.MinimumSide ? 1f : MathF.Ceiling((float)options.MinimumSide / shorter);
        var output = new SKBitmap(new SKImageInfo((int)(image.Width * scale), (int)(image.Height * scale), SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(output);
        canvas.Clear(SKColors.White);
        using (SKImage source = SKImage.FromBitmap(image))
        {
            canvas.DrawImage(source, new SKRect(0, 0, output.Width, output.Height), new SKSamplingOptions(SKFilterMode.Nearest));
        }

        // The default typeface is shared by SkiaSharp: not ours to dispose.
        SKTypeface typeface = SKTypeface.Default;
        using var font = new SKFont(typeface, options.LabelSize);
        bool canWrite = typeface is not null && typeface.GlyphCount > 0;
        if (truth is not null)
        {
            DrawGrounding(canvas, truth, scale, options.TrueColor, dashed: false, labelBelow: false, font, canWrite);
        }

        if (predicted is not null)
        {
            DrawGrounding(canvas, predicted, scale, options.PredictedColor, dashed: true, labelBelow: true, font, canWrite);
        }

        canvas.Flush();
        return output;
    }

    private static void DrawGrounding(SKCanvas canvas, PhraseGrounding grounding, float scale, SKColor color, bool dashed, bool labelBelow, SKFont font, bool canWrite)
    {
        using SKPathEffect? dash = dashed ? SKPathEffect.CreateDash([6f, 4f], 0) : null;
        using var stroke = new SKPaint { Color = color, Style = SKPaintStyle.Stroke, StrokeWidth = 2, IsAntialias = true, PathEffect = dash };
        using var labelBackground = new SKPaint { Color = color.WithAlpha(200), Style = SKPaintStyle.Fill };
        using var text = new SKPaint { Color = SKColors.White, IsAntialias = true };
        foreach (GroundedPhrase phrase in grounding.Groundings)
        {
            foreach (BoundingBox box in phrase.Boxes)
            {
                var rect = new SKRect((float)box.X1 * scale, (float)box.Y1 * scale, (float)box.X2 * scale, (float)box.Y2 * scale);
                canvas.DrawRect(rect, stroke);
                if (!canWrite)
                {
                    continue;
                }

                float width = font.MeasureText(phrase.Phrase);
                float height = font.Size + 4;
                float top = labelBelow ? Math.Min(rect.Bottom, canvas.DeviceClipBounds.Bottom - height) : Math.Max(0, rect.Top - height);
                var label = new SKRect(rect.Left, top, rect.Left + width + 6, top + height);
                canvas.DrawRect(label, labelBackground);
                canvas.DrawText(phrase.Phrase, label.Left + 3, label.Bottom - 4, SKTextAlign.Left, font, text);
            }
        }
    }
}
