using SkiaSharp;
using VlmForge.Data.Datasets;
using VlmForge.Data.Geometry;

namespace VlmForge.Data.Images;

/// <summary>
/// Decode → resize to the model's size → normalize, deterministically. Transparent pixels are composited
/// onto white. Resampling: when shrinking, anisotropic mipmapped filtering (averages the source pixels
/// under each output pixel, no aliasing); when enlarging, Mitchell cubic. With <see cref="Splitting"/> an image becomes
/// tiles and a global view (SmolVLM), each frame resized with the same filters (the reference processor uses Lanczos).
/// </summary>
public sealed class ImagePreprocessor(ImageNormalization normalization)
{
    // Anisotropic mipmapped sampling: when x and y shrink by different factors, each axis is averaged
    // over its own footprint instead of blurring both by the larger factor.
    private const int MaxAnisotropy = 16;

    public ImageNormalization Normalization { get; } = normalization ?? throw new ArgumentNullException(nameof(normalization));

    /// <summary>Largest image decoded (dataset.max_image_pixels), checked from the header before any pixel memory is taken.</summary>
    public long MaxPixels { get; init; } = ImageDecoder.DefaultMaxPixels;

    /// <summary>
    /// Split every image into tiles and a global view (SmolVLM's processor); null: each image is resized to the size its
    /// box convention gives the model.
    /// </summary>
    public ImageSplitting? Splitting { get; init; }

    /// <summary>The tiles an image of <paramref name="original"/> size is split into; <see cref="TileGrid.None"/> without splitting.</summary>
    public TileGrid GridOf(ImageSize original) => Splitting?.Grid(original) ?? TileGrid.None;

    /// <summary>Loads a dataset record's image as the model takes it: split, or at the size <paramref name="convention"/> gives its model.</summary>
    public PreparedImage Load(DatasetRecord record, BoxConvention convention)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(convention);
        try
        {
            if (Splitting is { } splitting)
            {
                using SKBitmap decoded = ImageDecoder.Decode(record.ImagePath, MaxPixels);
                return Split(decoded, splitting);
            }
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

    /// <summary>An image as the model takes it: split (<see cref="Splitting"/>), or resized to the size <paramref name="convention"/> gives it.</summary>
    public PreparedImage Prepare(SKBitmap image, BoxConvention convention)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(convention);
        return Splitting is { } splitting
            ? Split(image, splitting)
            : Prepare(image, convention.ModelImageSize(new ImageSize(image.Width, image.Height)));
    }

    /// <summary>
    /// The frames of a split image as one strip (see <see cref="ImageSplitting"/>): resized in the processor's two steps,
    /// cut into tiles row by row, then the global view (the resized image brought down to one tile).
    /// </summary>
    private PreparedImage Split(SKBitmap image, ImageSplitting splitting)
    {
        var original = new ImageSize(image.Width, image.Height);
        int tile = splitting.TileSize;
        var grid = splitting.Grid(original);
        var resizedSize = splitting.ResizedSize(original);
        using SKBitmap resized = Resize(image, resizedSize);
        using SKBitmap encoder = Resize(resized, splitting.EncoderSize(resizedSize));
        if (!grid.IsSplit)
        {
            return Normalize(encoder);
        }
        var size = new ImageSize(tile, grid.Frames * tile);
        var pixels = new float[3 * size.Width * size.Height];
        int k = 0;
        for (int r = 0; r < grid.Rows; r++)
        {
            for (int c = 0; c < grid.Cols; c++, k++)
            {
                NormalizeInto(encoder, c * tile, r * tile, tile, tile, pixels, size.Height, k * tile);
            }
        }
        using SKBitmap global = Resize(encoder, new ImageSize(tile, tile));
        NormalizeInto(global, 0, 0, tile, tile, pixels, size.Height, k * tile);
        return new PreparedImage(pixels, size) { Tiles = grid };
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
        var pixels = new float[3 * rgba.Width * rgba.Height];
        NormalizeInto(rgba, 0, 0, rgba.Width, rgba.Height, pixels, rgba.Height, 0);
        return new PreparedImage(pixels, new ImageSize(rgba.Width, rgba.Height));
    }

    /// <summary>
    /// Normalizes the <paramref name="width"/> x <paramref name="height"/> region at (<paramref name="left"/>, <paramref name="top"/>)
    /// of <paramref name="rgba"/> into channel-first <paramref name="destination"/> of the same width and
    /// <paramref name="destinationHeight"/> rows, starting at row <paramref name="destinationTop"/>.
    /// </summary>
    private void NormalizeInto(SKBitmap rgba, int left, int top, int width, int height, float[] destination, int destinationHeight, int destinationTop)
    {
        int plane = width * destinationHeight;
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
            ReadOnlySpan<byte> row = bytes.Slice(((top + y) * stride) + (4 * left), width * 4);
            int rowStart = (destinationTop + y) * width;
            for (int x = 0; x < width; x++)
            {
                int i = rowStart + x;
                destination[i] = (row[4 * x] * scale[0]) + shift[0];
                destination[plane + i] = (row[(4 * x) + 1] * scale[1]) + shift[1];
                destination[(2 * plane) + i] = (row[(4 * x) + 2] * scale[2]) + shift[2];
            }
        }
    }
}
