using VlmForge.Data.Datasets;
using VlmForge.Data.Geometry;
using VlmForge.Data.Tokenization;
using VlmForge.Data.Tasks;
using VlmForge.Engine.Export;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Runs;
using VlmForge.Models.Modeling;
using VlmForge.Models.Training;
using VlmForge.Settings;

namespace VlmForge.Engine.Families;

/// <summary>
/// What one run (train, resume, eval, generate, export) needs from its model family: image conventions, tokenizer,
/// model and export. A family opens it for the run (<see cref="IModelFamily.OpenRun"/>): a real family's is its checked
/// snapshot (<see cref="SnapshotRun"/>), the tiny model's builds everything from the dataset or a tiny base
/// (<see cref="Tiny.TinyRun"/>). The pipeline asks it instead of checking which family it runs.
/// </summary>
internal abstract class FamilyRun
{
    /// <summary>The run's checked snapshot at model.path; null for a family without one (the tiny model).</summary>
    public virtual FamilySnapshot? Snapshot => null;

    /// <summary>How a new run's conventions follow from its dataset's records.</summary>
    public abstract Func<IReadOnlyList<DatasetRecord>, RunConventions> ConventionsFor(WorkflowSettings settings);

    /// <summary>The conventions a trained run recorded (evaluation, generation, export of the run in <paramref name="folder"/>).</summary>
    /// <exception cref="WorkflowException">The run's records do not fit the family any more.</exception>
    public abstract RunConventions TrainedConventions(WorkflowSettings settings, RunFolder folder);

    /// <summary>Notes the model in the training log once the run folder exists (nothing for the tiny model).</summary>
    public virtual void DescribeModel(TextWriter log)
    {
    }

    /// <summary>
    /// Checks (when resuming) and logs the image sizing of the training data <paramref name="now"/> gives, after the dataset is
    /// loaded; nothing for a family whose images are squares of dataset.image_size.
    /// </summary>
    /// <exception cref="WorkflowException">A resumed run's images are now sized differently from how it started.</exception>
    public virtual void CheckImages(RunFolder folder, RunConventions now, bool resuming, TextWriter log)
    {
    }

    /// <summary>The tokenizer of a training run: a new run's (written to the run folder when the family builds one) or a resumed run's.</summary>
    public abstract ITextTokenizer TrainingTokenizer(WorkflowSettings settings, RunFolder folder, IReadOnlyList<TaskExample> train, bool resuming,
        TextWriter log);

    /// <summary>The tokenizer a trained run used (evaluation, generation, export).</summary>
    /// <exception cref="WorkflowException">The run folder lacks what the tokenizer needs.</exception>
    public abstract ITextTokenizer TrainedTokenizer(RunFolder folder);

    /// <summary>The run's model for <paramref name="setup"/>, and the token id batches are padded with.</summary>
    /// <param name="writeModelConfig">A new run: record what rebuilding the model needs in the run folder.</param>
    public abstract (IVisionLanguageModel Model, int PadId) CreateModel(WorkflowSettings settings, RunFolder folder, ModelSetup setup,
        ITextTokenizer tokenizer, RunConventions conventions, bool writeModelConfig);

    /// <summary>The image tokens of one image of a size, when images are sized each on its own; null when every image has the model's count.</summary>
    public virtual Func<ImageSize, int>? ImageTokensFor(RunConventions conventions) => null;

    /// <summary>A new run's context is assembled: record what a user of its model needs besides the weights (nothing by default).</summary>
    public virtual void NewRunAssembled(RunContext context)
    {
    }

    /// <summary>
    /// <c>vlmforge export --merged</c>: writes the run's model to <paramref name="partial"/>, checks it on
    /// <paramref name="examples"/>, and publishes it to <paramref name="target"/> when the check passes.
    /// </summary>
    public abstract MergedExportResult Export(RunContext context, IReadOnlyList<TaskExample> examples, string target, string partial,
        MergedExportOptions options, TextWriter log);
}
