using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Data.Prompts;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Planning.Architecture;
using VlmForge.Engine.Planning.Workflow;
using VlmForge.Models.Families;
using VlmForge.Settings;

namespace VlmForge.Engine.Families;

/// <summary>
/// A real model family: a local Hugging Face snapshot (<c>model.path</c>) with a config.json of its <c>model_type</c>.
/// Everything the engine needs to know about it is here: its names, config.json parsing (which builds the model,
/// <see cref="IFamilyConfig.CreateModel"/>), its chat template, the planner's shapes, image sizing and data
/// conventions, and the snapshot's image-processing checks. How a run opens the snapshot, how the planner plans it and
/// what a run takes from it are the same for every snapshot family (<see cref="FamilySnapshot.Open"/>,
/// <see cref="SnapshotModelPlanner"/>, <see cref="SnapshotRun"/>). A
/// family registers once (<see cref="ModelFamilyRegistry.Register"/>); nothing else switches on the family.
/// </summary>
public interface ISnapshotFamily : IModelFamily
{
    /// <summary>Hugging Face's <c>model_type</c> in the snapshot's config.json.</summary>
    string ModelType { get; }

    /// <summary>The chat template the family's tokenizer is checked against and its conversations are written with.</summary>
    ChatTemplate Template { get; }

    /// <summary>Parses config.json text of this family.</summary>
    IFamilyConfig ParseConfig(string json, string source);

    /// <summary>The architecture as the planner sees it: stacks, linears, parts.</summary>
    ModelShape Shape(IFamilyConfig config, string name);

    /// <summary>
    /// The snapshot's image resize bounds when the family smart-resizes images (Qwen2.5-VL's factor from config.json and
    /// min/max pixels from preprocessor_config.json); null when it has a fixed input size.
    /// </summary>
    /// <exception cref="WorkflowException">A processing file of the snapshot is invalid; names <paramref name="configured"/>.</exception>
    SmartResize? ReadResize(IFamilyConfig config, string folder, string configured);

    /// <summary>
    /// The snapshot's image splitting (SmolVLM's tiles and global view, from its processor config); null when the family's
    /// images are not split. A run's conventions carry it (<see cref="FamilySnapshot.Conventions(IEnumerable{ImageSize}, int)"/>).
    /// </summary>
    /// <exception cref="WorkflowException">A processing file of the snapshot is invalid; names <paramref name="configured"/>.</exception>
    ImageSplitting? ReadSplitting(IFamilyConfig config, string folder, string configured) => null;

    /// <summary>
    /// A run's conventions for images of the original sizes <paramref name="originals"/>: one image size for every image,
    /// or, when <see cref="RunConventions.PerImage"/>, each image sized on its own (the recorded size is the largest).
    /// </summary>
    RunConventions Conventions(IFamilyConfig config, SmartResize? resize, IReadOnlyList<ImageSize> originals, int datasetImageSize);

    /// <summary>
    /// The conventions of a trained run from the image size and the resize it recorded (vlmforge.json's image_width /
    /// image_height and image_resize), for images of any size (evaluation, generation).
    /// </summary>
    /// <exception cref="WorkflowException">The snapshot now sizes images differently from how the run trained.</exception>
    RunConventions Conventions(IFamilyConfig config, SmartResize? resize, ImageSize trained, string recordedResize);

    /// <summary>Image tokens and vision-encoder tokens of one image at the run's image size (the planner's sequence).</summary>
    (int ImageTokens, int VisionTokens) ImageTokens(IFamilyConfig config, ImageSize modelImage);

    /// <summary>How to build the model for images of <paramref name="modelImage"/>, and its image tokens (0: the model's own).</summary>
    (int ImageTokens, FamilyModelOptions Options) ModelImage(IFamilyConfig config, ImageSize modelImage);

    /// <inheritdoc />
    FamilySnapshot? IModelFamily.OpenSnapshot(WorkflowSettings settings) => FamilySnapshot.Open(settings);

    /// <inheritdoc />
    PlannedModel IModelFamily.Plan(PlanRequest request) => SnapshotModelPlanner.Plan(request);

    /// <inheritdoc />
    FamilyRun IModelFamily.OpenRun(WorkflowSettings settings) =>
        new SnapshotRun(((IModelFamily)this).OpenSnapshot(settings)
                        ?? throw new WorkflowException($"model.family = \"{Name}\" opened no snapshot at model.path."));
}
