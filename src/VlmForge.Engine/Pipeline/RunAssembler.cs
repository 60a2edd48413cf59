using System.Text.Json;
using TorchSharp;
using VlmForge.Abstractions.IO;
using VlmForge.Data.Batching;
using VlmForge.Data.Datasets;
using VlmForge.Data.Families;
using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Data.Tokenization;
using VlmForge.Engine.Families;
using VlmForge.Engine.Plugins;
using VlmForge.Engine.Runs;
using VlmForge.Models.Families;
using VlmForge.Models.Modeling;
using VlmForge.Models.Peft;
using VlmForge.Models.Safetensors;
using VlmForge.Models.StateDicts;
using VlmForge.Models.Tiny;
using VlmForge.Models.Training;
using VlmForge.Settings;

namespace VlmForge.Engine.Pipeline;

/// <summary>
/// Builds a <see cref="RunContext"/>: the model and the data plumbing around it. The tiny model is created from the
/// seed with a tokenizer built from the dataset; a real family (Qwen2.5-VL, SmolVLM) is loaded from the snapshot at
/// model.path with the snapshot's tokenizer, chat template and image processing.
/// </summary>
internal static class RunAssembler
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The checked snapshot of a real family, or null for a family without one (the tiny model).</summary>
    /// <exception cref="WorkflowException">model.family is not registered, or model.path is missing or does not fit it.</exception>
    public static FamilySnapshot? Snapshot(WorkflowSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return ModelFamilyRegistry.Of(settings).OpenSnapshot(settings);
    }

    /// <summary>The pretrained tiny base at model.path, or null (a real family, or a tiny model from random weights).</summary>
    /// <exception cref="WorkflowException">model.path does not hold a tiny base that fits dataset.image_size.</exception>
    public static TinyBase? TinyBaseOf(WorkflowSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Model.Family != FamilyNames.Tiny || settings.Model.Path is not { Length: > 0 } path)
        {
            return null;
        }
        var found = TinyBase.Open(settings.ResolvePath(path));
        if (found.Config.ImageSize != settings.Dataset.ImageSize)
        {
            throw new WorkflowException(
                $"model.path = \"{path}\" was pretrained on {found.Config.ImageSize} px images, but dataset.image_size is {settings.Dataset.ImageSize}; " +
                $"set dataset.image_size = {found.Config.ImageSize}.");
        }
        return found;
    }

    /// <summary>How the run's conventions follow from its dataset's records.</summary>
    public static Func<IReadOnlyList<DatasetRecord>, RunConventions> ConventionsFor(WorkflowSettings settings, FamilySnapshot? snapshot)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (snapshot is null)
        {
            var tiny = TinyConventions(settings);
            return _ => tiny;
        }
        return records => snapshot.Conventions(records.Select(r => r.ImageSize), settings.Dataset.ImageSize);
    }

    /// <summary>The tiny model's conventions: squares of dataset.image_size.</summary>
    public static RunConventions TinyConventions(WorkflowSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        int side = settings.Dataset.ImageSize;
        return new RunConventions(FamilyDataConventions.Tiny(side), new ImageSize(side, side));
    }

    /// <param name="tokenizer">The tiny tokenizer of the run, or the snapshot's tokenizer.</param>
    /// <param name="snapshot">The real family's snapshot; null for the tiny model.</param>
    /// <param name="conventions">Chat template, image processing, box convention and the one image size of the run.</param>
    /// <param name="writeModelConfig">A new run: record what rebuilding the model needs (tiny config / usage notes).</param>
    public static RunContext Assemble(WorkflowSettings settings, RunFolder folder, PluginCatalog plugins, ITextTokenizer tokenizer,
        FamilySnapshot? snapshot, RunConventions conventions, WorkflowDataset? dataset, bool writeModelConfig)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(plugins);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(conventions);
        DeviceSelection.ApplyThreads(settings.Run.Threads);
        var device = DeviceSelection.Resolve(settings.Run.Device);
        var computeDtype = plugins.Precision(settings.Model.Precision).Create().ComputeDtype;
        var setup = ModelFactory.Setup(settings.Model, plugins, computeDtype, device);

        IVisionLanguageModel model;
        int padId;
        if (snapshot is null)
        {
            var tiny = tokenizer as TinyTokenizer
                ?? throw new ArgumentException("The tiny model needs the run's TinyTokenizer.", nameof(tokenizer));
            var configPath = RunFiles.ModelConfig(folder);
            var pretrained = TinyBaseOf(settings);
            var config = writeModelConfig || !File.Exists(configPath)
                ? pretrained?.Config ?? ModelFactory.TinyConfig(tiny, settings.Dataset.ImageSize)
                : ModelFactory.LoadTinyConfig(configPath);
            if (pretrained is not null && config.VocabSize != tiny.VocabularySize)
            {
                throw new WorkflowException(
                    $"model.path = \"{pretrained.Path}\" has a vocabulary of {config.VocabSize} tokens, but the run's tokenizer has {tiny.VocabularySize}: " +
                    "a run on a tiny base uses the base's tokenizer; start a new run.");
            }
            if (writeModelConfig) ModelFactory.SaveTinyConfig(config, configPath);
            model = ModelFactory.CreateTiny(config, setup, settings.Training.Seed, pretrained);
            padId = tiny.PadId;
        }
        else
        {
            model = LoadFamily(settings, snapshot, setup, conventions.ModelImage);
            padId = snapshot.PadId;
        }

        var context = new RunContext
        {
            Settings = settings,
            Folder = folder,
            Plugins = plugins,
            Conventions = conventions.Conventions,
            ModelImage = conventions.ModelImage,
            Snapshot = snapshot,
            Tokenizer = tokenizer,
            Model = model,
            Device = device,
            Encoder = new ConversationEncoder(tokenizer, conventions.Conventions.Template, model.ImageTokenCount, settings.Prompt.System)
            {
                ImageTokensFor = conventions.PerImage && snapshot is not null
                    ? size => snapshot.Family.ImageTokens(snapshot.Config, size).ImageTokens
                    : null,
            },
            Images = new PreparedImageCache(conventions.Conventions.Preprocessor(settings.Dataset.MaxImagePixels), conventions.Conventions.Boxes),
            Collator = new BatchCollator(padId),
            Dataset = dataset,
        };
        if (writeModelConfig && snapshot is not null)
        {
            WriteUsage(context);
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
            Family = context.Snapshot?.Config.Family ?? "tiny",
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

    /// <summary>The image size and resize a real-family run recorded when it started (vlmforge.json's image_width/height, image_resize).</summary>
    public static (ImageSize Size, string Resize) RecordedImages(RunFolder folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var path = RunFiles.Usage(folder);
        if (!File.Exists(path))
            throw new WorkflowException($"{folder.Path} has no model/{PeftAdapters.UsageFileName}; it was not written by `vlmforge train` for a real model family.");
        try
        {
            var usage = JsonSerializer.Deserialize<AdapterUsage>(File.ReadAllBytes(path))
                ?? throw new InvalidDataException($"{path} holds JSON null.");
            return (new ImageSize(usage.ImageWidth, usage.ImageHeight), usage.ImageResize);
        }
        catch (Exception e) when (e is JsonException or ArgumentOutOfRangeException)
        {
            throw new InvalidDataException($"{path} is not a valid {PeftAdapters.UsageFileName}: {e.Message}", e);
        }
    }

    private static void WriteUsage(RunContext context)
    {
        DurableFile.WriteAllBytes(RunFiles.Usage(context.Folder), JsonSerializer.SerializeToUtf8Bytes(Usage(context), Json));
    }

    /// <summary>Loads the snapshot for training with <paramref name="setup"/>; LoRA adapters start from the run's seed.</summary>
    private static RunImageModel LoadFamily(WorkflowSettings settings, FamilySnapshot snapshot, ModelSetup setup, ImageSize image)
    {
        var (tokens, options) = snapshot.Family.ModelImage(snapshot.Config, image);

        torch.manual_seed(settings.Training.Seed);
        FamilyModel family;
        try
        {
            family = FamilyModels.Load(snapshot.Path, setup, options);
        }
        catch (Exception e) when (e is StateDictMismatchException or SafetensorsFormatException or InvalidModelConfigException
                                      or IOException or InvalidDataException)
        {
            throw new WorkflowException($"model.path = \"{settings.Model.Path}\": {e.Message}", e);
        }
        catch (ArgumentException e) when (e.ParamName == "lora")
        {
            throw new WorkflowException($"model.lora_target_modules: {e.Message.Replace(" (Parameter 'lora')", "", StringComparison.Ordinal)}", e);
        }
        return new RunImageModel(family, tokens > 0 ? tokens : family.ImageTokenCount, Math.Max(image.Width, image.Height));
    }
}
