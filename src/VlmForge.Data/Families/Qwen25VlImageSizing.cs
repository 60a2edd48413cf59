using VlmForge.Data.Geometry;

namespace VlmForge.Data.Families;

/// <summary>
/// How images are sized for Qwen2.5-VL: each image on its own, as Qwen's processor does. Its smart resize (aspect ratio
/// kept, sides multiples of 28, pixel count within the processor's min_pixels / max_pixels) gives the size the model sees,
/// one image token per 28 x 28 pixels of it, and boxes are integer pixels of that resized image. A batch mixes sizes (the
/// collator pads, the model reads each image at its own size).
/// </summary>
public static class Qwen25VlImageSizing
{
    /// <summary>The conventions: CLIP statistics, ChatML template, boxes in pixels of each image's smart resize.</summary>
    public static FamilyDataConventions Conventions(SmartResize? resize = null) => FamilyDataConventions.Qwen25Vl(resize);

    /// <summary>Image placeholder tokens of one image the model sees at <paramref name="modelSize"/> (one per factor x factor cell).</summary>
    public static int ImageTokenCount(ImageSize modelSize, int factor = 28)
    {
        if (modelSize.Width % factor != 0 || modelSize.Height % factor != 0)
        {
            throw new ArgumentException($"{modelSize} is not a multiple of {factor} on both sides.", nameof(modelSize));
        }
        return modelSize.Width / factor * (modelSize.Height / factor);
    }

    /// <summary>Placeholder tokens of an image of <paramref name="original"/> size after its smart resize.</summary>
    public static int ImageTokenCountOf(ImageSize original, SmartResize resize)
    {
        ArgumentNullException.ThrowIfNull(resize);
        return ImageTokenCount(resize.Apply(original), resize.Factor);
    }
}
