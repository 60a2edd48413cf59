using SkiaSharp;
using VlmForge.Data.Datasets;
using VlmForge.Data.Geometry;

namespace VlmForge.Data.Images;

/// <summary>
/// Decode → resize to the model's size → normalize, deterministically. Transparent pixels are composited
/// onto white. Resampling: when shrinking, anisotropic mipmapped filtering (averages the source pixels
/// under each output pixel, no aliasing); when enlarging, Mitchell cubic.
/// </summary>
public sealed class ImagePreprocessor(ImageNormalization normalization)
{
    // Anisotropic mipmapped sampling: when x and y shrink by different factors, each axis is averaged
    // over its own footprint instead of blurring both by the larger factor.
    private const int MaxAnisotropy = 16;

    public ImageNormalization Normalization { get; } = normalization ?? throw new ArgumentNullException(nameof(normalization));

    /// <summary>Largest image decoded (dataset.max_image_pixels), checked from the header before any pixel memory is taken.</summary>
    public long MaxPixels { get; init; } = ImageDecoder.DefaultMaxPixels;

    /// <summary>Loads a dataset record's image at the size <paramref name="convention"/> gives its model.</summary>
    public PreparedImage Load(DatasetRecord record, BoxConvention convention)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(convention);
        try
        {
            return Load(record.ImagePath, convention.ModelImageSize(record.ImageSize));
        }
        catch (ImageDecodeException ex)
        {
            var kind = ex.IsMissing ? DatasetProblemKind.ImageMissing : DatasetProblemKind.ImageCorrupt;
            throw new DatasetFormatException(new DatasetProblem(record.SourceFile, record.LineNumber, null, kind, ex.Message), ex);
        }
    }

    public PreparedImage Load(string path, ImageSize target)
    {
        using SKBitmap decoded = ImageDecoder.Decode(path, MaxPixels);
        return Prepare(decoded, target);
    }

    public PreparedImage Prepare(SKBitmap image, ImageSize target)
    {
        ArgumentNullException.ThrowIfNull(image);
        using SKBitmap resized = Resize(image, target);
        return Normalize(resized);
    }

    /// <summary>An opaque RGBA copy of <paramref name="image"/> at <paramref name="target"/> size.</summary>
    public static SKBitmap Resize(SKBitmap image, ImageSize target)
    {
        ArgumentNullException.ThrowIfNull(image);
        var output = new SKBitmap(new SKImageInfo(target.Width, target.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(output);
        canvas.Clear(SKColors.White);
        using SKImage source = SKImage.FromBitmap(image);
        bool enlarging = target.Width > image.Width || target.Height > image.Height;
        bool sameSize = target.Width == image.Width && target.Height == image.Height;
        SKSamplingOptions sampling = sameSize
            ? new SKSamplingOptions(SKFilterMode.Nearest)
            : enlarging
                ? new SKSamplingOptions(SKCubicResampler.Mitchell)
                : new SKSamplingOptions(MaxAnisotropy);
        using var paint = new SKPaint { BlendMode = SKBlendMode.SrcOver };
        canvas.DrawImage(source, new SKRect(0, 0, target.Width, target.Height), sampling, paint);
        return output;
    }

    private PreparedImage Normalize(SKBitmap rgba)
    {
        int width = rgba.Width;
        int height = rgba.Height;
        int plane = width * height;
        var pixels = new float[3 * plane];
        ReadOnlySpan<byte> bytes = rgba.GetPixelSpan();
        int stride = rgba.RowBytes;
        Span<float> scale = stackalloc float[3];
        Span<float> shift = stackalloc float[3];
        for (int c = 0; c < 3; c++)
        {
            // (v/255 - mean) / std as one multiply-add per value.
            scale[c] = 1f / (255f * Normalization.Std[c]);
            shift[c] = -Normalization.Mean[c] / Normalization.Std[c];
        }

        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = bytes.Slice(y * stride, width * 4);
            int rowStart = y * width;
            for (int x = 0; x < width; x++)
            {
                int i = rowStart + x;
                pixels[i] = (row[4 * x] * scale[0]) + shift[0];
                pixels[plane + i] = (row[(4 * x) + 1] * scale[1]) + shift[1];
                pixels[(2 * plane) + i] = (row[(4 * x) + 2] * scale[2]) + shift[2];
            }
        }

        return new PreparedImage(pixels, new ImageSize(width, height));
    }
}
