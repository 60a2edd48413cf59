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
    /// <summary>
    /// How images are split into tiles and a global view (SmolVLM with its processor's do_image_splitting); null: each
    /// image is resized to the size <see cref="Boxes"/> gives the model. Boxes stay in the box convention either way.
    /// </summary>
    public ImageSplitting? Splitting { get; init; }

    /// <summary>The image pipeline of these conventions: their normalization and splitting.</summary>
    public ImagePreprocessor Preprocessor(long maxPixels = ImageDecoder.DefaultMaxPixels) =>
        new(Normalization) { Splitting = Splitting, MaxPixels = maxPixels };

    /// <summary>The tiny model: square images of <paramref name="imageSize"/> px, mean/std 0.5, integer pixels of the square.</summary>
    public static FamilyDataConventions Tiny(int imageSize) =>
        new("tiny", ChatTemplates.Tiny, ImageNormalization.Symmetric, new SquareImageBoxConvention(imageSize));

    /// <summary>Qwen2.5-VL: smart-resized images, CLIP statistics, absolute pixels of the resized image.</summary>
    public static FamilyDataConventions Qwen25Vl(SmartResize? resize = null) =>
        new("qwen2.5-vl", ChatTemplates.Qwen25Vl, ImageNormalization.OpenAiClip, new SmartResizedImageBoxConvention(resize ?? SmartResize.Qwen25Vl));

    /// <summary>
    /// SmolVLM: one global image of <paramref name="imageSize"/> px, mean/std 0.5 (<see cref="Splitting"/> adds its
    /// processor's tiles). SmolVLM has no grounding convention of its own; boxes use integer pixels of that square (the
    /// global view of a split image), like the tiny model.
    /// </summary>
    public static FamilyDataConventions SmolVlm(int imageSize = 512) =>
        new("smolvlm", ChatTemplates.SmolVlm, ImageNormalization.Symmetric, new SquareImageBoxConvention(imageSize));
}
