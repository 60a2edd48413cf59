namespace VlmForge.Data.Geometry;

/// <summary>
/// Every image is stretched to one <see cref="Size"/> and boxes are integer pixels of that resized image. Qwen2.5-VL
/// uses it when a dataset's images do not all share one size: its convention (absolute pixels of the image the model
/// sees) holds, with the one size a run needs.
/// </summary>
public sealed class FixedSizeBoxConvention(ImageSize size) : BoxConvention
{
    public ImageSize Size { get; } = size;

    public override string Name => $"fixed-{Size}px";

    public override ImageSize ModelImageSize(ImageSize original) => Size;
}
