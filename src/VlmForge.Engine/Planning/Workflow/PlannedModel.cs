using VlmForge.Data.Families;
using VlmForge.Data.Geometry;
using VlmForge.Data.Prompts;
using VlmForge.Data.Tasks;
using VlmForge.Engine.Planning.Architecture;
using VlmForge.Engine.Planning.Remedies;
using VlmForge.Settings;

namespace VlmForge.Engine.Planning.Workflow;

/// <summary>What a family plans its model from: the workflow, its dataset (when it exists) and the plan's assumptions so far.</summary>
/// <param name="Settings">The validated workflow.</param>
/// <param name="Dataset">The training records, or why there are none.</param>
/// <param name="Originals">The images' distinct original sizes (dataset.image_size squared without a dataset).</param>
/// <param name="Assumptions">The plan's assumptions; a family adds what it had to assume.</param>
internal sealed record PlanRequest(WorkflowSettings Settings, DatasetProbe Dataset, IReadOnlyList<ImageSize> Originals, List<string> Assumptions)
{
    /// <summary>dataset.image_size.</summary>
    public int Side => Settings.Dataset.ImageSize;

    /// <summary>The training examples with boxes written in <paramref name="conventions"/>; none without a dataset.</summary>
    public IReadOnlyList<TaskExample> Examples(FamilyDataConventions conventions)
    {
        ArgumentNullException.ThrowIfNull(conventions);
        if (!Dataset.Exists)
            return [];
        var builder = new TaskExampleBuilder(conventions.Boxes, new TaskInstructions
        {
            Grounding = Settings.Prompt.GroundingInstruction,
            Caption = Settings.Prompt.CaptionInstruction,
        });
        return builder.Build(Dataset.Records, Pipeline.WorkflowDataset.TasksOf(Settings.Dataset.Task));
    }
}

/// <summary>The planner's view of a workflow's model, as its family gives it.</summary>
/// <param name="Shape">The architecture.</param>
/// <param name="Name">The model's name in the plan (a repository id, a snapshot folder, "tiny").</param>
/// <param name="Source">Where the architecture came from, for the plan.</param>
/// <param name="Conventions">Chat template, image processing and box convention of the run.</param>
/// <param name="Examples">The training examples in those conventions (none without a dataset).</param>
/// <param name="ImageTokens">Image tokens of one image at the run's image size.</param>
/// <param name="VisionTokens">Vision-encoder tokens of that image.</param>
/// <param name="Counter">How text tokens are counted.</param>
internal sealed record PlannedModel(
    ModelShape Shape, string Name, string Source, FamilyDataConventions Conventions, IReadOnlyList<TaskExample> Examples,
    int ImageTokens, int VisionTokens, ITokenCounter Counter)
{
    /// <summary>Per-image sizing (Qwen2.5-VL): the (image, vision) tokens of an image of an original size; null when one size fits all.</summary>
    public Func<ImageSize, (int ImageTokens, int VisionTokens)>? PerImageTokens { get; init; }

    /// <summary>Split images (SmolVLM): the tiles of an image of an original size, each frame with <see cref="ImageTokens"/>; null when images are not split.</summary>
    public Func<ImageSize, TileGrid>? TilesOf { get; init; }

    /// <summary>The tiles planned when there is no dataset to measure (the most the processor makes); none when images are not split.</summary>
    public TileGrid UnknownTiles { get; init; } = TileGrid.None;

    /// <summary>The family's smaller released sizes, next smaller first (the remedies' "smaller model"); none by default.</summary>
    public Func<IReadOnlyList<SmallerModel>> SmallerModels { get; init; } = () => [];
}
