namespace VlmForge.Data.Geometry;

/// <summary>
/// Qwen2.5-VL's convention: absolute integer pixels of the smart-resized image (see <see cref="SmartResize"/>).
/// </summary>
public sealed class SmartResizedImageBoxConvention(SmartResize resize) : BoxConvention
{
    public SmartResize Resize { get; } = resize ?? throw new ArgumentNullException(nameof(resize));

    public override string Name => $"smart-resize-{Resize.Factor}";

    public override ImageSize ModelImageSize(ImageSize original) => Resize.Apply(original);
}
