using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Data.Prompts;

namespace VlmForge.Data.Families;

/// <summary>
/// What the data side needs to know about a model family: its chat template, the normalization its
/// vision encoder expects, and how it writes boxes.
/// </summary>
public sealed record FamilyDataConventions(string Family, ChatTemplate Template, ImageNormalization Normalization, BoxConvention Boxes)
{
    /// <summary>The tiny model: square images of <paramref name="imageSize"/> px, mean/std 0.5, integer pixels of the square.</summary>
    public static FamilyDataConventions Tiny(int imageSize) =>
        new("tiny", ChatTemplates.Tiny, ImageNormalization.Symmetric, new SquareImageBoxConvention(imageSize));

    /// <summary>Qwen2.5-VL: smart-resized images, CLIP statistics, absolute pixels of the resized image.</summary>
    public static FamilyDataConventions Qwen25Vl(SmartResize? resize = null) =>
        new("qwen2.5-vl", ChatTemplates.Qwen25Vl, ImageNormalization.OpenAiClip, new SmartResizedImageBoxConvention(resize ?? SmartResize.Qwen25Vl));

    /// <summary>
    /// SmolVLM: one global image of <paramref name="imageSize"/> px (no splitting), mean/std 0.5. SmolVLM has
    /// no grounding convention of its own; boxes use integer pixels of that square, like the tiny model.
    /// </summary>
    public static FamilyDataConventions SmolVlm(int imageSize = 512) =>
        new("smolvlm", ChatTemplates.SmolVlm, ImageNormalization.Symmetric, new SquareImageBoxConvention(imageSize));
}
