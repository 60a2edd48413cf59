using SkiaSharp;
using VlmForge.Data.Images;

namespace VlmForge.Data.Tests.Support;

public static class TestImages
{
    /// <summary>Writes a solid-colour PNG of the given size.</summary>
    public static string SolidPng(string path, int width, int height, SKColor color)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        bitmap.Erase(color);
        PngWriter.Save(bitmap, path);
        return path;
    }

    /// <summary>A bitmap whose pixels are given row by row.</summary>
    public static SKBitmap FromPixels(int width, int height, params SKColor[] pixels)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, pixels[(y * width) + x]);
            }
        }

        return bitmap;
    }
}
