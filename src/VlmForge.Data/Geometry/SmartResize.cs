namespace VlmForge.Data.Geometry;

/// <summary>
/// Qwen2-VL / Qwen2.5-VL "smart resize": both sides become multiples of <see cref="Factor"/> (patch 14 x
/// merge 2 = 28), as close as possible to the original aspect ratio, with the pixel count kept between
/// <see cref="MinPixels"/> and <see cref="MaxPixels"/>. Rounding follows the reference (Python's round
/// is half-to-even, which is .NET's default <see cref="Math.Round(double)"/>).
/// </summary>
public sealed record SmartResize(int Factor = 28, int MinPixels = 56 * 56, int MaxPixels = 28 * 28 * 1280)
{
    /// <summary>The Qwen2.5-VL processor defaults.</summary>
    public static SmartResize Qwen25Vl { get; } = new();

    public ImageSize Apply(ImageSize original)
    {
        int height = original.Height;
        int width = original.Width;
        if ((double)Math.Max(height, width) / Math.Min(height, width) > 200)
        {
            throw new ArgumentException(
                $"Image {original} has an aspect ratio above 200; Qwen2.5-VL cannot take it. Crop or pad the image.",
                nameof(original));
        }

        int hBar = Math.Max(Factor, (int)Math.Round((double)height / Factor) * Factor);
        int wBar = Math.Max(Factor, (int)Math.Round((double)width / Factor) * Factor);
        if ((long)hBar * wBar > MaxPixels)
        {
            double beta = Math.Sqrt((double)height * width / MaxPixels);
            hBar = Math.Max(Factor, (int)Math.Floor(height / beta / Factor) * Factor);
            wBar = Math.Max(Factor, (int)Math.Floor(width / beta / Factor) * Factor);
        }
        else if ((long)hBar * wBar < MinPixels)
        {
            double beta = Math.Sqrt((double)MinPixels / ((double)height * width));
            hBar = (int)Math.Ceiling(height * beta / Factor) * Factor;
            wBar = (int)Math.Ceiling(width * beta / Factor) * Factor;
        }

        return new ImageSize(wBar, hBar);
    }

    /// <summary>Image placeholder tokens Qwen2.5-VL uses for an image of this resized size (one per 28x28 cell).</summary>
    public int ImageTokenCount(ImageSize original)
    {
        ImageSize resized = Apply(original);
        return resized.Width / Factor * (resized.Height / Factor);
    }
}
