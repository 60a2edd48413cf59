using System.Globalization;
using SkiaSharp;
using VlmForge.Abstractions.IO;
using VlmForge.Data.Geometry;

namespace VlmForge.Data.Images;

/// <summary>
/// Reads image files with SkiaSharp. The EXIF orientation is applied (as Hugging Face's load_image does),
/// so sizes and pixels are those of the image as it is displayed, which is what box annotations refer to.
/// </summary>
public static class ImageDecoder
{
    /// <summary>
    /// Default largest image, in pixels, that is decoded: PIL's <c>Image.MAX_IMAGE_PIXELS</c> (a quarter gigabyte of
    /// RGB at 3 bytes per pixel). A larger header is more often a decompression bomb than a photo.
    /// </summary>
    public const long DefaultMaxPixels = 89_478_485;

    /// <summary>The displayed size, from the header only; refuses a header of more than <paramref name="maxPixels"/> pixels.</summary>
    public static ImageSize ReadSize(string path, long maxPixels = DefaultMaxPixels)
    {
        using SKCodec codec = OpenCodec(path, maxPixels);
        return DisplayedSize(codec);
    }

    /// <summary>
    /// Decodes the whole image to RGBA (unpremultiplied), upright. The size in the header is checked against
    /// <paramref name="maxPixels"/> before any pixel memory is allocated.
    /// </summary>
    public static SKBitmap Decode(string path, long maxPixels = DefaultMaxPixels)
    {
        using SKCodec codec = OpenCodec(path, maxPixels);
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var raw = new SKBitmap(info);
        try
        {
            SKCodecResult result = codec.GetPixels(info, raw.GetPixels());
            if (result != SKCodecResult.Success)
            {
                string why = result == SKCodecResult.IncompleteInput ? "its data is truncated" : $"decoding failed ({result})";
                throw new ImageDecodeException(path, isMissing: false, $"Image '{path}' cannot be decoded: {why}. Re-export or remove the image.");
            }

            SKEncodedOrigin origin = codec.EncodedOrigin;
            if (origin == SKEncodedOrigin.TopLeft)
            {
                SKBitmap upright = raw;
                raw = null!;
                return upright;
            }

            return Orient(raw, origin);
        }
        finally
        {
            raw?.Dispose();
        }
    }

    private static SKCodec OpenCodec(string path, long maxPixels)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPixels);
        switch (FileKinds.Of(path))
        {
            case FileKind.Missing:
                throw new ImageDecodeException(path, isMissing: true, $"Image '{path}' does not exist. Check the path (it is relative to the dataset file's folder).");
            case FileKind.Directory:
                throw new ImageDecodeException(path, isMissing: false, $"Image '{path}' is a folder, not an image file.");
            case FileKind.Special:
                throw new ImageDecodeException(path, isMissing: false, $"Image '{path}' is not a regular file (a FIFO, device or socket); give an image file.");
        }

        SKCodec? codec;
        SKCodecResult result;
        try
        {
            codec = SKCodec.Create(path, out result);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException(path, isMissing: false, $"Image '{path}' cannot be read: {ex.Message}");
        }

        if (codec is null)
        {
            throw new ImageDecodeException(
                path,
                isMissing: false,
                $"Image '{path}' is not a readable image ({result}). Use PNG, JPEG, WebP, GIF or BMP.");
        }

        if (codec.Info.Width <= 0 || codec.Info.Height <= 0)
        {
            codec.Dispose();
            throw new ImageDecodeException(path, isMissing: false, $"Image '{path}' has no pixels.");
        }

        int width = codec.Info.Width, height = codec.Info.Height;
        long pixels = (long)width * height;
        if (pixels > maxPixels)
        {
            codec.Dispose();   // native: nothing of it may be read after this line
            throw new ImageDecodeException(path, isMissing: false, string.Create(CultureInfo.InvariantCulture,
                $"Image '{path}' is {width}x{height} = {pixels:N0} pixels, more than dataset.max_image_pixels = {maxPixels:N0}. Downscale it, or raise dataset.max_image_pixels if it is really meant to be that large."));
        }

        return codec;
    }

    private static bool SwapsAxes(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    private static ImageSize DisplayedSize(SKCodec codec) =>
        SwapsAxes(codec.EncodedOrigin)
            ? new ImageSize(codec.Info.Height, codec.Info.Width)
            : new ImageSize(codec.Info.Width, codec.Info.Height);

    private static SKBitmap Orient(SKBitmap raw, SKEncodedOrigin origin)
    {
        float w = raw.Width;
        float h = raw.Height;
        // x' = ScaleX·x + SkewX·y + TransX, y' = SkewY·x + ScaleY·y + TransY, per EXIF orientation 2..8.
        SKMatrix matrix = origin switch
        {
            SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
            SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
            SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),
            _ => SKMatrix.Identity,
        };

        int width = SwapsAxes(origin) ? raw.Height : raw.Width;
        int height = SwapsAxes(origin) ? raw.Width : raw.Height;
        var upright = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using var canvas = new SKCanvas(upright);
        canvas.Clear(SKColors.Transparent);
        canvas.SetMatrix(matrix);
        using SKImage image = SKImage.FromBitmap(raw);
        using var paint = new SKPaint { BlendMode = SKBlendMode.Src };
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest), paint);
        return upright;
    }
}
