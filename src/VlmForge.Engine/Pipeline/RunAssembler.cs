using VlmForge.Data.Batching;
using VlmForge.Data.Families;
using VlmForge.Data.Images;
using VlmForge.Data.Tokenization;
using VlmForge.Engine.Plugins;
using VlmForge.Engine.Runs;
using VlmForge.Settings;

namespace VlmForge.Engine.Pipeline;

/// <summary>Builds a <see cref="RunContext"/>: the model for this tokenizer and the data plumbing around it.</summary>
public static class RunAssembler
{
    /// <summary>The data conventions of the configured family (chat template, image normalization, box convention).</summary>
    public static FamilyDataConventions Conventions(WorkflowSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Model.Family != ModelFamily.Tiny)
            throw new WorkflowException(
                $"model.family = \"{settings.Model.Family.ToTomlName()}\": training real model families from a Hugging Face " +
                "snapshot is not wired into the engine yet. Use family = \"tiny\".");
        return FamilyDataConventions.Tiny(settings.Dataset.ImageSize);
    }

    public static RunContext Assemble(WorkflowSettings settings, RunFolder folder, PluginCatalog plugins, TinyTokenizer tokenizer,
        WorkflowDataset? dataset, bool writeModelConfig)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(plugins);
        ArgumentNullException.ThrowIfNull(tokenizer);
        DeviceSelection.ApplyThreads(settings.Run.Threads);
        var device = DeviceSelection.Resolve(settings.Run.Device);
        var conventions = Conventions(settings);
        var computeDtype = plugins.Precision(settings.Model.Precision).Create().ComputeDtype;

        var configPath = RunFiles.ModelConfig(folder);
        var config = writeModelConfig || !File.Exists(configPath)
            ? ModelFactory.TinyConfig(tokenizer, settings.Dataset.ImageSize)
            : ModelFactory.LoadTinyConfig(configPath);
        if (writeModelConfig) ModelFactory.SaveTinyConfig(config, configPath);
        var setup = ModelFactory.Setup(settings.Model, plugins, computeDtype, device);
        var model = ModelFactory.CreateTiny(config, setup, settings.Training.Seed);

        return new RunContext
        {
            Settings = settings,
            Folder = folder,
            Plugins = plugins,
            Conventions = conventions,
            Tokenizer = tokenizer,
            Model = model,
            Device = device,
            Encoder = new ConversationEncoder(tokenizer, conventions.Template, model.ImageTokenCount, settings.Prompt.System),
            Images = new PreparedImageCache(new ImagePreprocessor(conventions.Normalization), conventions.Boxes),
            Collator = new BatchCollator(tokenizer.PadId),
            Dataset = dataset,
        };
    }
}
