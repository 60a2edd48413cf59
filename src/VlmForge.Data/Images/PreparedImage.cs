using VlmForge.Data.Geometry;
using static TorchSharp.torch;

namespace VlmForge.Data.Images;

/// <summary>
/// A resized, normalized image as float32 in channel-first order [3, H, W]. Held in managed memory so
/// that a cache of prepared images needs no native disposal; <see cref="ToTensor"/> copies it into a tensor.
/// </summary>
public sealed class PreparedImage
{
    public PreparedImage(float[] pixels, ImageSize size)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != 3 * size.Width * size.Height)
        {
            throw new ArgumentException($"Expected 3 x {size.Height} x {size.Width} = {3 * size.Width * size.Height} values, got {pixels.Length}.", nameof(pixels));
        }

        Pixels = pixels;
        Size = size;
    }

    /// <summary>Channel-first values: index = c·H·W + y·W + x.</summary>
    public float[] Pixels { get; }

    public ImageSize Size { get; }

    /// <summary>A new float32 tensor [3, H, W] on the CPU.</summary>
    public Tensor ToTensor() => tensor(Pixels, [3L, Size.Height, Size.Width], ScalarType.Float32);
}
