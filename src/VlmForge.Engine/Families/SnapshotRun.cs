using System.Text.Json;
using TorchSharp;
using VlmForge.Abstractions.IO;
using VlmForge.Data.Datasets;
using VlmForge.Data.Geometry;
using VlmForge.Data.Tasks;
using VlmForge.Data.Tokenization;
using VlmForge.Engine.Export;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Runs;
using VlmForge.Models.Families;
using VlmForge.Models.Modeling;
using VlmForge.Models.Peft;
using VlmForge.Models.Safetensors;
using VlmForge.Models.StateDicts;
using VlmForge.Models.Tiny;
using VlmForge.Models.Training;
using VlmForge.Settings;

namespace VlmForge.Engine.Families;

/// <summary>
/// A run of a real family (<see cref="ISnapshotFamily"/>): everything comes from the checked snapshot at model.path (its
/// tokenizer, chat template, image processing and weights), and the run records its image sizing in vlmforge.json.
/// </summary>
internal sealed class SnapshotRun(FamilySnapshot snapshot) : FamilyRun
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <inheritdoc />
    public override FamilySnapshot Snapshot { get; } = snapshot;

    /// <inheritdoc />
    public override Func<IReadOnlyList<DatasetRecord>, RunConventions> ConventionsFor(WorkflowSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return records => Snapshot.Conventions(records.Select(r => r.ImageSize), settings.Dataset.ImageSize);
    }

    /// <inheritdoc />
    public override RunConventions TrainedConventions(WorkflowSettings settings, RunFolder folder)
    {
        // The run's own image sizing (per image for Qwen2.5-VL), so the dataset's answers' boxes are in the
        // coordinates the model learned.
        var (trained, resize) = RecordedImages(folder);
        return Snapshot.Conventions(trained, resize);
    }

    /// <inheritdoc />
    public override void DescribeModel(TextWriter log) => log.WriteLine($"model: {Snapshot.Config.Family} snapshot {Snapshot.Path}");

    /// <inheritdoc />
    public override void CheckImages(RunFolder folder, RunConventions now, bool resuming, TextWriter log)
    {
        if (resuming && RecordedImages(folder) is var (size, resize)
            && (resize != now.Resize || (!now.PerImage && size != now.ModelImage)))
            throw new WorkflowException(
                $"{folder.Path} trained on images of {size} px ({resize}), but its dataset now gives {now.ModelImage} px ({now.Resize}); " +
                "resume with the dataset and snapshot the run started with.");
        log.WriteLine(now.PerImage
            ? $"images: each sized on its own ({now.Resize}), the largest {now.ModelImage} px"
            : now.Split
                ? $"images: split into {now.ModelImage} px tiles and a global view ({now.Resize}); boxes in pixels of the global view ({now.Conventions.Boxes.Name})"
                : $"images: {now.ModelImage} px ({now.Conventions.Boxes.Name})");
    }

    /// <inheritdoc />
    public override ITextTokenizer TrainingTokenizer(WorkflowSettings settings, RunFolder folder, IReadOnlyList<TaskExample> train, bool resuming,
        TextWriter log) => Snapshot.Tokenizer;

    /// <inheritdoc />
    public override ITextTokenizer TrainedTokenizer(RunFolder folder) => Snapshot.Tokenizer;

    /// <inheritdoc />
    public override (IVisionLanguageModel Model, int PadId) CreateModel(WorkflowSettings settings, RunFolder folder, ModelSetup setup,
        ITextTokenizer tokenizer, RunConventions conventions, bool writeModelConfig) =>
        (LoadFamily(settings, setup, conventions.ModelImage), Snapshot.PadId);

    /// <inheritdoc />
    public override Func<ImageSize, int>? ImageTokensFor(RunConventions conventions) =>
        conventions.PerImage ? size => Snapshot.Family.ImageTokens(Snapshot.Config, size).ImageTokens : null;

    /// <inheritdoc />
    public override void NewRunAssembled(RunContext context) =>
        DurableFile.WriteAllBytes(RunFiles.Usage(context.Folder), JsonSerializer.SerializeToUtf8Bytes(RunAssembler.Usage(context), Json));

    /// <inheritdoc />
    public override MergedExportResult Export(RunContext context, IReadOnlyList<TaskExample> examples, string target, string partial,
        MergedExportOptions options, TextWriter log)
    {
        var family = context.FamilyModel
            ?? throw new WorkflowException($"{context.Folder.Path} holds neither a real family's nor a tiny model; there is nothing to export.");
        return MergedExport.Snapshot(context, family, Snapshot, examples, target, partial, options, log);
    }

    /// <summary>The image size and resize a real-family run recorded when it started (vlmforge.json's image_width/height, image_resize).</summary>
    private static (ImageSize Size, string Resize) RecordedImages(RunFolder folder)
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

    /// <summary>Loads the snapshot for training with <paramref name="setup"/>; LoRA adapters start from the run's seed.</summary>
    private RunImageModel LoadFamily(WorkflowSettings settings, ModelSetup setup, ImageSize image)
    {
        var (tokens, options) = Snapshot.Family.ModelImage(Snapshot.Config, image);

        torch.manual_seed(settings.Training.Seed);
        FamilyModel family;
        try
        {
            family = FamilyModels.Load(Snapshot.Path, setup, options);
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
