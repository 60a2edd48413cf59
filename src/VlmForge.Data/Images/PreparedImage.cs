using VlmForge.Data.Geometry;
using static TorchSharp.torch;

namespace VlmForge.Data.Images;

/// <summary>
/// A resized, normalized image as float32 in channel-first order [3, H, W]. Held in managed memory so
/// that a cache of prepared images needs no native disposal; <see cref="ToTensor"/> copies it into a tensor.
/// An image split into tiles (<see cref="Tiles"/>, SmolVLM) is a vertical strip of square frames of its width: the tiles
/// row by row, then the global view.
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

    /// <summary>The tiles of a split image (<see cref="Size"/> is then Width x Frames·Width); <see cref="TileGrid.None"/> otherwise.</summary>
    public TileGrid Tiles
    {
        get => _tiles;
        init
        {
            if (value.IsSplit && Size.Height != value.Frames * Size.Width)
            {
                throw new ArgumentException(
                    $"A {Size} strip cannot hold {value.Frames} square frames ({value}); its height must be {value.Frames} x its width.", nameof(Tiles));
            }
            _tiles = value;
        }
    }

    /// <summary>The image the model sees whole, in whose pixels it writes boxes: <see cref="Size"/>, or a split image's global view.</summary>
    public ImageSize View => Tiles.IsSplit ? new ImageSize(Size.Width, Size.Width) : Size;

    private readonly TileGrid _tiles;

    /// <summary>A new float32 tensor [3, H, W] on the CPU.</summary>
    public Tensor ToTensor() => tensor(Pixels, [3L, Size.Height, Size.Width], ScalarType.Float32);
}
