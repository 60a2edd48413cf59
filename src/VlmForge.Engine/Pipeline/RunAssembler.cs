using VlmForge.Data.Batching;
using VlmForge.Data.Images;
using VlmForge.Data.Tokenization;
using VlmForge.Engine.Families;
using VlmForge.Engine.Plugins;
using VlmForge.Engine.Runs;
using VlmForge.Models.Peft;
using VlmForge.Settings;

namespace VlmForge.Engine.Pipeline;

/// <summary>
/// Builds a <see cref="RunContext"/>: the model and the data plumbing around it. What differs between families (the
/// tokenizer, the model, the image conventions) comes from the run's <see cref="FamilyRun"/>, which the registered
/// family opens (<see cref="Open"/>): a real family's snapshot at model.path, or the tiny model built from the dataset.
/// </summary>
internal static class RunAssembler
{
    /// <summary>What the run needs from its registered family (<c>model.family</c>): a real family's checked snapshot, or the tiny model's own path.</summary>
    /// <exception cref="WorkflowException">model.family is not registered, or model.path is missing or does not fit it.</exception>
    public static FamilyRun Open(WorkflowSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return ModelFamilyRegistry.Of(settings).OpenRun(settings);
    }

    /// <param name="tokenizer">The run's tokenizer (<see cref="FamilyRun.TrainingTokenizer"/> or <see cref="FamilyRun.TrainedTokenizer"/>).</param>
    /// <param name="run">What the run takes from its family.</param>
    /// <param name="conventions">Chat template, image processing, box convention and the one image size of the run.</param>
    /// <param name="writeModelConfig">A new run: record what rebuilding the model needs (tiny config / usage notes).</param>
    public static RunContext Assemble(WorkflowSettings settings, RunFolder folder, PluginCatalog plugins, ITextTokenizer tokenizer,
        FamilyRun run, RunConventions conventions, WorkflowDataset? dataset, bool writeModelConfig)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(plugins);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(conventions);
        DeviceSelection.ApplyThreads(settings.Run.Threads);
        var device = DeviceSelection.Resolve(settings.Run.Device);
        var computeDtype = plugins.Precision(settings.Model.Precision).Create().ComputeDtype;
        var setup = ModelFactory.Setup(settings.Model, plugins, computeDtype, device);

        var (model, padId) = run.CreateModel(settings, folder, setup, tokenizer, conventions, writeModelConfig);
        var context = new RunContext
        {
            Settings = settings,
            Folder = folder,
            Plugins = plugins,
            Conventions = conventions.Conventions,
            ModelImage = conventions.ModelImage,
            Snapshot = run.Snapshot,
            FamilyRun = run,
            Tokenizer = tokenizer,
            Model = model,
            Device = device,
            Encoder = new ConversationEncoder(tokenizer, conventions.Conventions.Template, model.ImageTokenCount, settings.Prompt.System)
            {
                ImageTokensFor = run.ImageTokensFor(conventions),
            },
            Images = new PreparedImageCache(conventions.Conventions.Preprocessor(settings.Dataset.MaxImagePixels), conventions.Conventions.Boxes),
            Collator = new BatchCollator(padId),
            Dataset = dataset,
        };
        if (writeModelConfig)
        {
            run.NewRunAssembled(context);
        }
        return context;
    }

    /// <summary>What a user of the run's model needs besides the weights (vlmforge.json beside the PEFT adapter).</summary>
    public static AdapterUsage Usage(RunContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var conventions = context.Conventions;
        var template = conventions.Template;
        return new AdapterUsage
        {
            Family = context.Snapshot?.Config.Family ?? context.Settings.Model.Family,
            BaseModel = context.Snapshot?.Path,
            ImageWidth = context.ModelImage.Width,
            ImageHeight = context.ModelImage.Height,
            ImageResize = RunConventions.ResizeName(conventions),
            ImageMean = conventions.Normalization.Mean,
            ImageStd = conventions.Normalization.Std,
            ImageToken = template.ImageToken,
            ImageTokenCount = context.Model.ImageTokenCount,
            ChatTemplate = template.Family,
            EndOfAnswerToken = template.EndOfAnswerToken,
            SystemPrompt = context.Settings.Prompt.System,
            BoxConvention = conventions.Boxes.Name,
        };
    }
}
