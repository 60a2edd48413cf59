using VlmForge.Data.Families;
using VlmForge.Engine.Families;
using VlmForge.Engine.Families.Qwen25Vl;
using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Data.Prompts;
using VlmForge.Data.Tokenization.HuggingFace;
using VlmForge.Models.Families;
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
    public const string PreprocessorConfigFileName = Qwen25VlFamily.PreprocessorConfigFileName;

    private FamilySnapshot(ISnapshotFamily family, SnapshotFolder folder, ModelVocabularyTokenizer tokenizer, ChatTemplate template, SmartResize? resize,
        ImageSplitting? splitting)
    {
        Family = family;
        Folder = folder;
        Tokenizer = tokenizer;
        Template = template;
        Resize = resize;
        Splitting = splitting;
    }

    /// <summary>The registered family the snapshot belongs to.</summary>
    public ISnapshotFamily Family { get; }

    public SnapshotFolder Folder { get; }

    public string Path => Folder.Path;

    public IFamilyConfig Config => Folder.Config;

    /// <summary>The snapshot's tokenizer as wide as the model's vocabulary (see <see cref="ModelVocabularyTokenizer"/>).</summary>
    public ModelVocabularyTokenizer Tokenizer { get; }

    public ChatTemplate Template { get; }

    /// <summary>Qwen2.5-VL's smart resize (factor patch x merge, pixel bounds from preprocessor_config.json); null for SmolVLM.</summary>
    public SmartResize? Resize { get; }

    /// <summary>SmolVLM's image splitting when its processor config turns it on (<see cref="ISnapshotFamily.ReadSplitting"/>); null otherwise.</summary>
    public ImageSplitting? Splitting { get; }

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
        var family = settings.Model.Family;
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

        var registered = ModelFamilyRegistry.Of(folder.Config);
        var template = registered.Template;
        CheckTokenizer(tokenizer, template, folder.Config, configured);
        var resize = registered.ReadResize(folder.Config, folder.Path, configured);
        var splitting = registered.ReadSplitting(folder.Config, folder.Path, configured);
        return new FamilySnapshot(registered, folder, new ModelVocabularyTokenizer(tokenizer, folder.Config.VocabSize), template, resize, splitting);
    }

    /// <summary>
    /// The data conventions of a run whose images have the original sizes <paramref name="originals"/>, as the family
    /// sizes them (<see cref="ISnapshotFamily.Conventions(IFamilyConfig, SmartResize?, IReadOnlyList{ImageSize}, int)"/>):
    /// Qwen2.5-VL smart-resizes every image on its own (the recorded size is the largest), SmolVLM uses its encoder's square,
    /// split into tiles and a global view when the snapshot's processor splits images (<see cref="Splitting"/>).
    /// </summary>
    public RunConventions Conventions(IEnumerable<ImageSize> originals, int datasetImageSize)
    {
        ArgumentNullException.ThrowIfNull(originals);
        return RunConventions.WithSplitting(Family.Conventions(Config, Resize, [.. originals.Distinct()], datasetImageSize), Splitting);
    }

    /// <summary>
    /// The conventions of a trained run from what it recorded (<paramref name="trained"/> image size and
    /// <paramref name="resize"/>, vlmforge.json's image_resize), for images of any size (evaluation, generation), as the
    /// family sizes them (<see cref="ISnapshotFamily.Conventions(IFamilyConfig, SmartResize?, ImageSize, string)"/>).
    /// </summary>
    /// <exception cref="WorkflowException">The snapshot's processor config now sizes images differently from the run.</exception>
    public RunConventions Conventions(ImageSize trained, string resize)
    {
        ArgumentNullException.ThrowIfNull(resize);
        var conventions = Family.Conventions(Config, Resize, trained, resize);
        if (!resize.StartsWith(ImageSplitting.NamePrefix, StringComparison.Ordinal))
        {
            // The run did not split its images (splitting off, or a run from before it existed): evaluate as it trained.
            return conventions;
        }
        if (Splitting?.Name != resize)
        {
            throw new WorkflowException(
                $"The run split its images as {resize}, but model.path's {PreprocessorConfigFileName} now gives " +
                $"{(Splitting is null ? "no splitting" : Splitting.Name)}; restore the processor config the run trained with.");
        }
        return RunConventions.WithSplitting(conventions, Splitting);
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
    public string Resize => ResizeName(Conventions);

    /// <summary>Images split into tiles and a global view (<see cref="FamilyDataConventions.Splitting"/>).</summary>
    public bool Split => Conventions.Splitting is not null;

    /// <summary><paramref name="run"/> with its images split by <paramref name="splitting"/> (unchanged when null).</summary>
    public static RunConventions WithSplitting(RunConventions run, ImageSplitting? splitting)
    {
        ArgumentNullException.ThrowIfNull(run);
        return splitting is null ? run : run with { Conventions = run.Conventions with { Splitting = splitting } };
    }

    /// <summary>"split-384 (longest_edge 1536)" for split images, else as <see cref="ResizeName(BoxConvention)"/>.</summary>
    public static string ResizeName(FamilyDataConventions conventions)
    {
        ArgumentNullException.ThrowIfNull(conventions);
        return conventions.Splitting?.Name ?? ResizeName(conventions.Boxes);
    }

    /// <summary>"smart-resize-28 (min_pixels a, max_pixels b)" or "stretch".</summary>
    public static string ResizeName(BoxConvention boxes) => boxes switch
    {
        SmartResizedImageBoxConvention smart => $"smart-resize-{smart.Resize.Factor} (min_pixels {smart.Resize.MinPixels}, max_pixels {smart.Resize.MaxPixels})",
        _ => "stretch",
    };
}
