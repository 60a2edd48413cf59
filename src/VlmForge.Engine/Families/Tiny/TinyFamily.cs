using VlmForge.Data.Families;
using VlmForge.Data.Tasks;
using VlmForge.Data.Tokenization;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Planning;
using VlmForge.Engine.Planning.Architecture;
using VlmForge.Engine.Planning.Workflow;
using VlmForge.Models.Tiny;
using VlmForge.Settings;

namespace VlmForge.Engine.Families.Tiny;

/// <summary>
/// VlmForge's own small LLaVA-style model (<c>model.family = "tiny"</c>): no snapshot; a run builds its tokenizer from the
/// dataset and its model from a config sized by that vocabulary and dataset.image_size (or starts from a pretrained tiny
/// base at model.path); what a run takes from it is <see cref="TinyRun"/>.
/// </summary>
internal sealed class TinyFamily : IModelFamily
{
    /// <summary>The family's name, which is also its one <c>model.size</c>.</summary>
    public const string FamilyName = "tiny";

    /// <inheritdoc />
    public string Name => FamilyName;

    /// <summary>
    /// The schema's defaults are the page's values for fine-tuning a pretrained VLM on a GPU (LoRA, NF4, bf16, 448 px);
    /// the tiny model trains from random weights on a CPU, where those cannot work in minutes. A tiny workflow gets the
    /// values that do (the repository's vlmforge.toml) for every one of these settings its file leaves out.
    /// </summary>
    public FamilyProfile Profile { get; } = new(FamilyName)
    {
        LoadsSnapshot = false,
        Summary = "VlmForge's own model, trained from scratch on a CPU",
        ChosenBySize = "tiny",
        Sizes = ["tiny"],
        Defaults =
        [
            new("model.size", "tiny"),
            new("model.training_mode", "full"),     // random weights: LoRA on a frozen random base learns almost nothing
            new("model.quantization", "none"),      // full training stores no 4-bit weights
            new("model.precision", "fp32"),         // most CPUs emulate bf16 (several times slower than fp32)
            new("training.learning_rate", 0.001),   // from scratch: 10x the page's fine-tuning rate
            new("training.batch_size", 16L),        // a small model: 16 fits any CPU's memory and is the recommended effective batch
            new("dataset.image_size", 64L),         // the tiny vision tower reads small images; 448 px is ~50x the work
            new("evaluation.max_new_tokens", 96L),  // one token per coordinate: the tiny model's answers are short
        ],
        Advice = [new TinyFamilyRule()],
        // The page's output lengths are counted in a real family's tokens; the tiny tokenizer spends one per coordinate.
        WaivedAdvice = new HashSet<string>(["max-new-tokens"], StringComparer.Ordinal),
    };

    /// <inheritdoc />
    public FamilySnapshot? OpenSnapshot(WorkflowSettings settings) => null;

    /// <inheritdoc />
    FamilyRun IModelFamily.OpenRun(WorkflowSettings settings) => new TinyRun();

    /// <summary>The tiny config at dataset.image_size with the tokenizer `train` would build from the dataset.</summary>
    PlannedModel IModelFamily.Plan(PlanRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (settings, _, _, assumptions) = request;
        int side = request.Side;
        var conventions = FamilyDataConventions.Tiny(side);
        var examples = request.Examples(conventions);
        TinyTokenizer? tokenizer = examples.Count == 0 ? null : TinyTokenizer.Build(
            TaskExampleBuilder.Texts(examples, settings.Prompt.System), new TinyTokenizerOptions { MaxNumber = side });
        int vocabulary = tokenizer?.VocabularySize ?? new TinyTokenizerOptions().MaxVocabularySize;
        if (tokenizer is null)
            assumptions.Add($"the tiny vocabulary is built from the dataset at `train`; its upper bound {vocabulary} is planned.");
        var config = PlannerConfig(vocabulary, side);
        ITokenCounter counter = tokenizer is null
            ? new HeuristicTokenCounter()
            : new TokenizerCounter(tokenizer, "the tiny tokenizer built from the dataset, as `train` builds it");
        return new PlannedModel(TinyShape.Of(config), Name, $"the built-in tiny config at dataset.image_size = {side}, vocabulary {vocabulary}",
            conventions, examples, config.ImageTokenCount, config.PatchGrid * config.PatchGrid, counter);
    }

    private static TinyVlmConfig PlannerConfig(int vocabulary, int imageSize)
    {
        // Token ids do not change the shape; 0 is inside every vocabulary.
        var config = new TinyVlmConfig { VocabSize = vocabulary, ImageTokenId = 0, PadTokenId = 0, ImageSize = imageSize };
        try
        {
            config.Validate();
        }
        catch (InvalidModelConfigException e)
        {
            throw new PlanningException($"dataset.image_size = {imageSize} does not fit the tiny model: {e.Message}", e, "dataset.image_size");
        }
        return config;
    }
}
