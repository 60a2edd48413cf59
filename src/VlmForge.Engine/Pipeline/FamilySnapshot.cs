using System.Text.Json;
using VlmForge.Data.Families;
using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Data.Prompts;
using VlmForge.Data.Tokenization.HuggingFace;
using VlmForge.Models.Families;
using VlmForge.Models.Families.Qwen25Vl;
using VlmForge.Models.Families.SmolVlm;
using VlmForge.Models.Tiny;
using VlmForge.Settings;

namespace VlmForge.Engine.Pipeline;

/// <summary>
/// The local Hugging Face snapshot a real-family run trains on (<c>model.path</c>): its config, its tokenizer and its
/// image processing, checked against each other and against <c>model.family</c> before anything is trained. Every
/// problem is a <see cref="WorkflowException"/> that names model.path and says what to do.
/// </summary>
public sealed class FamilySnapshot
{
    /// <summary>Qwen's processor settings file; its min_pixels / max_pixels bound the smart resize.</summary>
    public const string PreprocessorConfigFileName = "preprocessor_config.json";

    private FamilySnapshot(SnapshotFolder folder, ModelVocabularyTokenizer tokenizer, ChatTemplate template, SmartResize? resize)
    {
        Folder = folder;
        Tokenizer = tokenizer;
        Template = template;
        Resize = resize;
    }

    public SnapshotFolder Folder { get; }

    public string Path => Folder.Path;

    public IFamilyConfig Config => Folder.Config;

    /// <summary>The snapshot's tokenizer as wide as the model's vocabulary (see <see cref="ModelVocabularyTokenizer"/>).</summary>
    public ModelVocabularyTokenizer Tokenizer { get; }

    public ChatTemplate Template { get; }

    /// <summary>Qwen2.5-VL's smart resize (factor patch x merge, pixel bounds from preprocessor_config.json); null for SmolVLM.</summary>
    public SmartResize? Resize { get; }

    /// <summary>
    /// The id batches are padded with. Padding is masked out of attention and loss, so any id of the vocabulary works; the
    /// end-of-answer token is one every family's tokenizer has (Qwen pads with &lt;|endoftext|&gt;, which a trimmed
    /// tokenizer may lack).
    /// </summary>
    public int PadId => Tokenizer.GetSpecialTokenId(Template.EndOfAnswerToken);

    /// <summary>Opens and checks the snapshot of a real-family workflow.</summary>
    /// <exception cref="WorkflowException">model.path is unset, missing, not a snapshot of model.family, or inconsistent.</exception>
    public static FamilySnapshot Open(WorkflowSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var family = settings.Model.Family.ToTomlName();
        if (settings.Model.Path is not { Length: > 0 } configured)
        {
            throw new WorkflowException(
                $"model.family = \"{family}\" trains a local Hugging Face snapshot, but model.path is not set. Download the model " +
                "repository once (for example `huggingface-cli download Qwen/Qwen2.5-VL-3B-Instruct --local-dir models/qwen2.5-vl-3b`) " +
                "and set model.path to that folder; VlmForge never downloads.");
        }
        var path = settings.ResolvePath(configured);
        SnapshotFolder folder;
        try
        {
            folder = SnapshotFolder.Open(path);
        }
        catch (Exception e) when (e is IOException or InvalidModelConfigException)
        {
            throw new WorkflowException($"model.path = \"{configured}\": {e.Message}", e);
        }
        if (folder.Config.Family != ModelFamilies.Normalize(family))
        {
            throw new WorkflowException(
                $"model.path = \"{configured}\" holds a {folder.Config.Family} snapshot (model_type \"{folder.Config.ModelType}\") but " +
                $"model.family = \"{family}\": set family = \"{folder.Config.Family}\" or point model.path at a {family} snapshot.");
        }

        HuggingFaceTokenizer tokenizer;
        try
        {
            tokenizer = HuggingFaceTokenizer.Load(folder.Path);
        }
        catch (Exception e) when (e is IOException or TokenizerFormatException)
        {
            throw new WorkflowException($"model.path = \"{configured}\": {e.Message}", e);
        }

        var template = ChatTemplates.ForFamily(folder.Config.Family);
        CheckTokenizer(tokenizer, template, folder.Config, configured);
        var resize = folder.Config is Qwen25VlConfig qwen ? ReadSmartResize(folder.Path, qwen, configured) : null;
        return new FamilySnapshot(folder, new ModelVocabularyTokenizer(tokenizer, folder.Config.VocabSize), template, resize);
    }

    /// <summary>
    /// The data conventions of a run whose images have the original sizes <paramref name="originals"/>. Qwen2.5-VL: every
    /// image smart-resized on its own (<see cref="Qwen25VlImageSizing"/>); the recorded size is the largest resized image.
    /// SmolVLM: its encoder's square.
    /// </summary>
    public RunConventions Conventions(IEnumerable<ImageSize> originals)
    {
        ArgumentNullException.ThrowIfNull(originals);
        if (Resize is null)
        {
            return SmolConventions();
        }
        var largest = originals.Distinct().Select(Resize.Apply).MaxBy(s => (long)s.Width * s.Height);
        if (largest == default)
            throw new WorkflowException("The dataset has no images to size the Qwen2.5-VL inputs from.");
        return new RunConventions(Qwen25VlImageSizing.Conventions(Resize), largest) { PerImage = true };
    }

    /// <summary>
    /// The conventions of a trained run from what it recorded (<paramref name="trained"/> image size and
    /// <paramref name="resize"/>, vlmforge.json's image_resize), for images of any size (evaluation, generation). A
    /// Qwen2.5-VL run that sized images on its own does so again, with the same smart-resize bounds (a changed
    /// preprocessor_config.json is refused); a run that stretched every image to one size (VlmForge before per-image
    /// sizing) stretches again.
    /// </summary>
    public RunConventions Conventions(ImageSize trained, string resize)
    {
        ArgumentNullException.ThrowIfNull(resize);
        if (Resize is null)
        {
            return SmolConventions();
        }
        if (resize.StartsWith("smart-resize", StringComparison.Ordinal))
        {
            var now = new SmartResizedImageBoxConvention(Resize);
            if (resize != RunConventions.ResizeName(now))
            {
                throw new WorkflowException(
                    $"The run sized its images with {resize}, but model.path's {PreprocessorConfigFileName} now gives " +
                    $"{RunConventions.ResizeName(now)}; restore the processor config the run trained with.");
            }
            return new RunConventions(Qwen25VlImageSizing.Conventions(Resize), trained) { PerImage = true };
        }
        var conventions = new FamilyDataConventions("qwen2.5-vl", ChatTemplates.Qwen25Vl, ImageNormalization.OpenAiClip, new FixedSizeBoxConvention(trained));
        return new RunConventions(conventions, trained);
    }

    private RunConventions SmolConventions()
    {
        int side = ((Idefics3Config)Config).Vision.ImageSize;
        return new RunConventions(FamilyDataConventions.SmolVlm(side), new ImageSize(side, side));
    }

    private static void CheckTokenizer(HuggingFaceTokenizer tokenizer, ChatTemplate template, IFamilyConfig config, string configured)
    {
        int imageId;
        try
        {
            imageId = tokenizer.GetSpecialTokenId(template.ImageToken);
            tokenizer.GetSpecialTokenId(template.EndOfAnswerToken);
        }
        catch (KeyNotFoundException e)
        {
            throw new WorkflowException(
                $"model.path = \"{configured}\": the tokenizer lacks a token the {config.Family} chat template writes ({e.Message}). " +
                "Copy the tokenizer files of the same model repository into the snapshot folder.", e);
        }
        if (imageId != config.ImageTokenId)
        {
            throw new WorkflowException(
                $"model.path = \"{configured}\": the tokenizer's {template.ImageToken} is id {imageId} but config.json's image_token_id is " +
                $"{config.ImageTokenId}; the tokenizer files belong to another model. Copy the tokenizer of the same repository.");
        }
        if (tokenizer.VocabularySize > config.VocabSize)
        {
            throw new WorkflowException(
                $"model.path = \"{configured}\": the tokenizer has {tokenizer.VocabularySize} ids but the model's vocabulary only " +
                $"{config.VocabSize}; the tokenizer files belong to another model.");
        }
    }

    /// <summary>The smart resize of the snapshot: factor from config.json, pixel bounds from preprocessor_config.json when present.</summary>
    public static SmartResize ReadSmartResize(string folder, Qwen25VlConfig config, string configured)
    {
        var resize = SmartResize.Qwen25Vl with { Factor = config.Vision.Factor };
        var file = System.IO.Path.Combine(folder, PreprocessorConfigFileName);
        if (!File.Exists(file))
        {
            return resize;
        }
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(file));
            var root = document.RootElement;
            // Newer processors nest the bounds as size.shortest_edge / size.longest_edge; older ones have min/max_pixels.
            int? min = Int(root, "min_pixels") ?? (root.TryGetProperty("size", out var size) ? Int(size, "shortest_edge") : null);
            int? max = Int(root, "max_pixels") ?? (root.TryGetProperty("size", out var size2) ? Int(size2, "longest_edge") : null);
            resize = resize with { MinPixels = min ?? resize.MinPixels, MaxPixels = max ?? resize.MaxPixels };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new WorkflowException($"model.path = \"{configured}\": {file} is not a valid processor config ({e.Message}).", e);
        }
        if (resize.MinPixels <= 0 || resize.MaxPixels < resize.MinPixels)
        {
            throw new WorkflowException(
                $"model.path = \"{configured}\": {file} has min_pixels {resize.MinPixels} and max_pixels {resize.MaxPixels}; they must be positive with min <= max.");
        }
        return resize;
    }

    private static int? Int(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetInt32()
            : null;
}

/// <summary>
/// A run's data conventions and its image size: the one size (width x height) every image is resized to, or, when
/// <see cref="PerImage"/>, the largest of the sizes its images are resized to one by one.
/// </summary>
public sealed record RunConventions(FamilyDataConventions Conventions, ImageSize ModelImage)
{
    /// <summary>Every image has its own size (<see cref="BoxConvention.ModelImageSize"/> of its original), as Qwen2.5-VL's processor does.</summary>
    public bool PerImage { get; init; }

    /// <summary>How images are resized, as vlmforge.json's image_resize records it.</summary>
    public string Resize => ResizeName(Conventions.Boxes);

    /// <summary>"smart-resize-28 (min_pixels a, max_pixels b)" or "stretch".</summary>
    public static string ResizeName(BoxConvention boxes) => boxes switch
    {
        SmartResizedImageBoxConvention smart => $"smart-resize-{smart.Resize.Factor} (min_pixels {smart.Resize.MinPixels}, max_pixels {smart.Resize.MaxPixels})",
        _ => "stretch",
    };
}
