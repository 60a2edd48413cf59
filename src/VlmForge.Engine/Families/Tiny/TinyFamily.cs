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
    /// <inheritdoc />
    public string Name => FamilyNames.Tiny;

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
        return new PlannedModel(ModelShapes.Tiny(config), Name, $"the built-in tiny config at dataset.image_size = {side}, vocabulary {vocabulary}",
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
