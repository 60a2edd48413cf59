using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Data.Prompts;

namespace VlmForge.Data.Families;

/// <summary>
/// How images are sized for Qwen2.5-VL in a run. The model takes any size whose sides are multiples of 28 (one image
/// token per 28 x 28 pixels), but a run encodes every conversation with one image token count and the collator stacks
/// one image size per batch, so a run uses one size:
/// <list type="bullet">
/// <item>when every image of the dataset has the same original size, its smart resize (exactly what Qwen's processor
/// does, aspect ratio kept, boxes in pixels of the resized image);</item>
/// <item>otherwise a fixed <c>side</c> x <c>side</c> square (default 448: 256 tokens), images stretched to it and boxes
/// in pixels of that square.</item>
/// </list>
/// </summary>
public static class Qwen25VlImageSizing
{
    /// <summary>The default side when sizes differ: 448 px, 16 x 16 = 256 image tokens.</summary>
    public const int DefaultSide = 448;

    /// <summary>The conventions for a dataset whose original image sizes are <paramref name="originals"/>.</summary>
    public static FamilyDataConventions Conventions(IEnumerable<ImageSize> originals, SmartResize? resize = null, int side = DefaultSide)
    {
        ArgumentNullException.ThrowIfNull(originals);
        resize ??= SmartResize.Qwen25Vl;
        if (side <= 0 || side % resize.Factor != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(side), side, $"The Qwen2.5-VL image side must be a positive multiple of {resize.Factor}.");
        }

        var distinct = originals.Distinct().Take(2).ToList();
        if (distinct.Count == 0)
        {
            throw new ArgumentException("A dataset needs at least one image to size its images.", nameof(originals));
        }

        BoxConvention boxes = distinct.Count == 1
            ? new SmartResizedImageBoxConvention(resize)
            : new FixedSizeBoxConvention(new ImageSize(side, side));
        return new FamilyDataConventions("qwen2.5-vl", ChatTemplates.Qwen25Vl, ImageNormalization.OpenAiClip, boxes);
    }

    /// <summary>
    /// A run's conventions and the one size every image is resized to, for images of the original sizes
    /// <paramref name="originals"/>: the smart resize when they share one size, else a square of
    /// <paramref name="datasetImageSize"/> (dataset.image_size) when it is a multiple of the factor, else of
    /// <see cref="DefaultSide"/>. The planner and the run size images with this one formula.
    /// </summary>
    public static (FamilyDataConventions Conventions, ImageSize ModelImage) ForRun(IEnumerable<ImageSize> originals, SmartResize resize, int datasetImageSize)
    {
        ArgumentNullException.ThrowIfNull(originals);
        ArgumentNullException.ThrowIfNull(resize);
        var distinct = originals.Distinct().ToList();
        int side = datasetImageSize > 0 && datasetImageSize % resize.Factor == 0 ? datasetImageSize : DefaultSide;
        var conventions = Conventions(distinct, resize, side);
        return (conventions, distinct.Count == 1 ? resize.Apply(distinct[0]) : new ImageSize(side, side));
    }

    /// <summary>Image placeholder tokens of one image the model sees at <paramref name="modelSize"/> (one per factor x factor cell).</summary>
    public static int ImageTokenCount(ImageSize modelSize, int factor = 28)
    {
        if (modelSize.Width % factor != 0 || modelSize.Height % factor != 0)
        {
            throw new ArgumentException($"{modelSize} is not a multiple of {factor} on both sides.", nameof(modelSize));
        }
        return modelSize.Width / factor * (modelSize.Height / factor);
    }
}
