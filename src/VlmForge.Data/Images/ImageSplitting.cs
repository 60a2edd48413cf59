using VlmForge.Data.Geometry;

namespace VlmForge.Data.Images;

/// <summary>
/// SmolVLM / Idefics3's image splitting, as transformers' <c>Idefics3ImageProcessor</c> does it: the longest edge is
/// resized to <see cref="LongestEdge"/> (aspect kept, the other side rounded up to even), both sides are then resized up to
/// multiples of <see cref="TileSize"/> (<c>resize_for_vision_encoder</c>), and an image larger than one tile is cut into
/// ceil(h / tile) x ceil(w / tile) tiles, read row by row, followed by the whole image resized to one tile (the global
/// view). An image that ends up one tile large is not split. The model sees every frame at the encoder's size.
/// </summary>
/// <param name="TileSize">The vision encoder's square input (<c>max_image_size.longest_edge</c>; 384 px for SmolVLM).</param>
/// <param name="LongestEdge">The longest edge after the first resize (<c>size.longest_edge</c>; 1536 px for SmolVLM); null when the processor does not resize (<c>do_resize: false</c>).</param>
public sealed record ImageSplitting(int TileSize, int? LongestEdge)
{
    /// <summary>The processor refuses a longest edge above this (<c>get_resize_output_image_size</c>'s max_image_size).</summary>
    public const int MaxLongestEdge = 1820;

    /// <summary>How every <see cref="Name"/> starts.</summary>
    public const string NamePrefix = "split-";

    /// <summary>How vlmforge.json's image_resize records it: "split-384 (longest_edge 1536)".</summary>
    public string Name => $"{NamePrefix}{TileSize} ({(LongestEdge is { } edge ? $"longest_edge {edge}" : "no resize")})";

    /// <summary>Checks the sizes (the processor's own limits).</summary>
    /// <exception cref="ArgumentException">A size is not positive, or the longest edge is above <see cref="MaxLongestEdge"/>.</exception>
    public void Validate()
    {
        if (TileSize <= 0)
            throw new ArgumentException($"The tile size must be positive, got {TileSize}.", nameof(TileSize));
        if (LongestEdge is { } edge && (edge <= 0 || edge > MaxLongestEdge))
            throw new ArgumentException($"size.longest_edge must be 1..{MaxLongestEdge} px (the processor refuses more), got {edge}.", nameof(LongestEdge));
    }

    /// <summary>The first resize: the longest edge to <see cref="LongestEdge"/> (<c>_resize_output_size_rescale_to_max_len</c>).</summary>
    public ImageSize ResizedSize(ImageSize original)
    {
        if (LongestEdge is not { } edge)
        {
            return original;
        }
        double aspect = (double)original.Width / original.Height;
        int width, height;
        if (original.Width >= original.Height)
        {
            width = edge;
            height = (int)(width / aspect);
            if (height % 2 != 0) height++;
        }
        else
        {
            height = edge;
            width = (int)(height * aspect);
            if (width % 2 != 0) width++;
        }
        return new ImageSize(Math.Max(width, 1), Math.Max(height, 1));
    }

    /// <summary>The second resize: both sides up to multiples of <see cref="TileSize"/>, the longer side leading (<c>resize_for_vision_encoder</c>).</summary>
    public ImageSize EncoderSize(ImageSize resized)
    {
        double aspect = (double)resized.Width / resized.Height;
        int width, height;
        if (resized.Width >= resized.Height)
        {
            width = UpToTiles(resized.Width);
            height = UpToTiles((int)(width / aspect));
        }
        else
        {
            height = UpToTiles(resized.Height);
            width = UpToTiles((int)(height * aspect));
        }
        return new ImageSize(width, height);
    }

    /// <summary>The tiles an image of <paramref name="original"/> size is cut into (<see cref="TileGrid.None"/> when it fits one tile).</summary>
    public TileGrid Grid(ImageSize original)
    {
        var encoder = EncoderSize(ResizedSize(original));
        return encoder.Width > TileSize || encoder.Height > TileSize
            ? new TileGrid(encoder.Height / TileSize, encoder.Width / TileSize)
            : TileGrid.None;
    }

    // A side that truncates to 0 (an extreme aspect) still gets one tile, where the processor would fail.
    private int UpToTiles(int side) => Math.Max(1, (int)Math.Ceiling((double)side / TileSize)) * TileSize;
}
