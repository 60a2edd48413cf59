using System.Text.Json;
using VlmForge.Data.Families;
using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Data.Prompts;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Planning.Architecture;
using VlmForge.Models.Families;
using VlmForge.Models.Families.Qwen25Vl;

namespace VlmForge.Engine.Families.Qwen25Vl;

/// <summary>
/// Qwen2.5-VL: images of any size whose sides are multiples of the patch x merge factor (28), each smart-resized on its
/// own as Qwen's processor does (<see cref="Qwen25VlImageSizing"/>), CLIP statistics, boxes in pixels of the resized image.
/// </summary>
internal sealed class Qwen25VlFamily : ISnapshotFamily
{
    /// <summary>Qwen's processor settings file; its min_pixels / max_pixels bound the smart resize.</summary>
    public const string PreprocessorConfigFileName = ProcessorConfigFile.FileName;

    /// <inheritdoc />
    public string Name => ModelFamilies.Qwen25Vl;

    /// <inheritdoc />
    public string ModelType => Qwen25VlConfig.HuggingFaceModelType;

    /// <inheritdoc />
    public ChatTemplate Template => ChatTemplates.Qwen25Vl;

    /// <inheritdoc />
    public IFamilyConfig ParseConfig(string json, string source) => Qwen25VlConfig.Parse(json, source);

    /// <inheritdoc />
    public ModelShape Shape(IFamilyConfig config, string name) => Qwen25VlShape.Of(Config(config), name);

    /// <inheritdoc />
    public SmartResize? ReadResize(IFamilyConfig config, string folder, string configured)
    {
        var defaults = DefaultResize(config);
        var resize = ProcessorConfigFile.Read(folder, configured, root =>
        {
            // Newer processors nest the bounds as size.shortest_edge / size.longest_edge; older ones have min/max_pixels.
            int? min = Int(root, "min_pixels") ?? (root.TryGetProperty("size", out var size) ? Int(size, "shortest_edge") : null);
            int? max = Int(root, "max_pixels") ?? (root.TryGetProperty("size", out var size2) ? Int(size2, "longest_edge") : null);
            return defaults with { MinPixels = min ?? defaults.MinPixels, MaxPixels = max ?? defaults.MaxPixels };
        }, defaults);
        if (resize.MinPixels <= 0 || resize.MaxPixels < resize.MinPixels)
        {
            var file = Path.Combine(folder, PreprocessorConfigFileName);
            throw new WorkflowException(
                $"model.path = \"{configured}\": {file} has min_pixels {resize.MinPixels} and max_pixels {resize.MaxPixels}; they must be positive with min <= max.");
        }
        return resize;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Every image smart-resized on its own, as Qwen's processor does (<see cref="Qwen25VlImageSizing"/>); the recorded
    /// size is the largest resized image. dataset.image_size plays no part.
    /// </remarks>
    public RunConventions Conventions(IFamilyConfig config, SmartResize? resize, IReadOnlyList<ImageSize> originals, int datasetImageSize)
    {
        ArgumentNullException.ThrowIfNull(originals);
        var smart = resize ?? DefaultResize(config);
        var largest = originals.Distinct().Select(smart.Apply).MaxBy(s => (long)s.Width * s.Height);
        if (largest == default)
            throw new WorkflowException("The dataset has no images to size the Qwen2.5-VL inputs from.");
        return new RunConventions(Qwen25VlImageSizing.Conventions(smart), largest) { PerImage = true };
    }

    /// <inheritdoc />
    /// <remarks>
    /// A run that sized images on its own does so again, with the same smart-resize bounds (a changed
    /// preprocessor_config.json is refused); a run that stretched every image to one size (VlmForge before per-image
    /// sizing) stretches again.
    /// </remarks>
    public RunConventions Conventions(IFamilyConfig config, SmartResize? resize, ImageSize trained, string recordedResize)
    {
        ArgumentNullException.ThrowIfNull(recordedResize);
        var smart = resize ?? DefaultResize(config);
        if (recordedResize.StartsWith("smart-resize", StringComparison.Ordinal))
        {
            var now = RunConventions.ResizeName(new SmartResizedImageBoxConvention(smart));
            if (recordedResize != now)
            {
                throw new WorkflowException(
                    $"The run sized its images with {recordedResize}, but model.path's {PreprocessorConfigFileName} now gives " +
                    $"{now}; restore the processor config the run trained with.");
            }
            return new RunConventions(Qwen25VlImageSizing.Conventions(smart), trained) { PerImage = true };
        }
        var conventions = new FamilyDataConventions("qwen2.5-vl", ChatTemplates.Qwen25Vl, ImageNormalization.OpenAiClip, new FixedSizeBoxConvention(trained));
        return new RunConventions(conventions, trained);
    }

    /// <inheritdoc />
    public (int ImageTokens, int VisionTokens) ImageTokens(IFamilyConfig config, ImageSize modelImage)
    {
        var qwen = Config(config);
        int imageTokens = Qwen25VlImageSizing.ImageTokenCount(modelImage, qwen.Vision.Factor);
        return (imageTokens, imageTokens * qwen.Vision.SpatialMergeSize * qwen.Vision.SpatialMergeSize);
    }

    /// <inheritdoc />
    public (int ImageTokens, FamilyModelOptions Options) ModelImage(IFamilyConfig config, ImageSize modelImage) =>
        (Qwen25VlImageSizing.ImageTokenCount(modelImage, Config(config).Vision.Factor),
         new FamilyModelOptions { ImageSize = modelImage.Width == modelImage.Height ? modelImage.Width : null });

    private static SmartResize DefaultResize(IFamilyConfig config) => SmartResize.Qwen25Vl with { Factor = Config(config).Vision.Factor };

    private static Qwen25VlConfig Config(IFamilyConfig config) => config as Qwen25VlConfig
        ?? throw new ArgumentException($"The {ModelFamilies.Qwen25Vl} family needs a {nameof(Qwen25VlConfig)}, not a {config?.GetType().Name ?? "null"}.", nameof(config));

    private static int? Int(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetInt32()
            : null;
}
