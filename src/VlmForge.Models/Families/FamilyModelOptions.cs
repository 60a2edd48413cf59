namespace VlmForge.Models.Families;

/// <summary>Choices a family model needs beyond config.json and the training setup.</summary>
public sealed record FamilyModelOptions
{
    /// <summary>
    /// Qwen2.5-VL: the square side (a multiple of 28) images are resized to when a run needs one size for every image
    /// (default 448 px = 256 image tokens). SmolVLM always uses its encoder's size.
    /// </summary>
    public int? ImageSize { get; init; }
}
