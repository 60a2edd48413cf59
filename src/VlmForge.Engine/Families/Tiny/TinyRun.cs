using VlmForge.Data.Datasets;
using VlmForge.Data.Families;
using VlmForge.Data.Geometry;
using VlmForge.Data.Tasks;
using VlmForge.Data.Tokenization;
using VlmForge.Engine.Export;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Runs;
using VlmForge.Models.Modeling;
using VlmForge.Models.Training;
using VlmForge.Settings;

namespace VlmForge.Engine.Families.Tiny;

/// <summary>
/// A run of the tiny model: no snapshot. A new run builds its tokenizer from the training examples (or keeps a tiny base's,
/// <see cref="TinyBaseOf"/>) and saves it and the model's config in the run folder; images are squares of
/// dataset.image_size; the export is a tiny base (<see cref="TinyExport"/>).
/// </summary>
internal sealed class TinyRun : FamilyRun
{
    /// <inheritdoc />
    public override Func<IReadOnlyList<DatasetRecord>, RunConventions> ConventionsFor(WorkflowSettings settings)
    {
        var tiny = Conventions(settings);
        return _ => tiny;
    }

    /// <inheritdoc />
    public override RunConventions TrainedConventions(WorkflowSettings settings, RunFolder folder) => Conventions(settings);

    /// <summary>The tiny model's conventions: squares of dataset.image_size.</summary>
    private static RunConventions Conventions(WorkflowSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        int side = settings.Dataset.ImageSize;
        return new RunConventions(FamilyDataConventions.Tiny(side), new ImageSize(side, side));
    }

    /// <inheritdoc />
    public override ITextTokenizer TrainingTokenizer(WorkflowSettings settings, RunFolder folder, IReadOnlyList<TaskExample> train, bool resuming,
        TextWriter log)
    {
        if (resuming)
        {
            return TinyTokenizer.Load(RunFiles.TokenizerFolder(folder));
        }
        if (TinyBaseOf(settings) is { } pretrained)
        {
            // The base's weights are tied to its token ids: the run keeps its tokenizer (words it lacks are spelled in characters).
            var baseTokenizer = pretrained.LoadTokenizer();
            baseTokenizer.Save(RunFiles.TokenizerFolder(folder));
            log.WriteLine($"model: the tiny base at {pretrained.Path}");
            return baseTokenizer;
        }
        var tiny = TinyTokenizer.Build(TaskExampleBuilder.Texts(train, settings.Prompt.System),
            new TinyTokenizerOptions { MaxNumber = settings.Dataset.ImageSize });
        tiny.Save(RunFiles.TokenizerFolder(folder));
        return tiny;
    }

    /// <inheritdoc />
    public override ITextTokenizer TrainedTokenizer(RunFolder folder)
    {
        var tokenizerFolder = RunFiles.TokenizerFolder(folder);
        if (!Directory.Exists(tokenizerFolder))
            throw new WorkflowException($"{folder.Path} has no tokenizer/ folder; it was not written by `vlmforge train`.");
        return TinyTokenizer.Load(tokenizerFolder);
    }

    /// <inheritdoc />
    public override (IVisionLanguageModel Model, int PadId) CreateModel(WorkflowSettings settings, RunFolder folder, ModelSetup setup,
        ITextTokenizer tokenizer, RunConventions conventions, bool writeModelConfig)
    {
        var tiny = tokenizer as TinyTokenizer
            ?? throw new ArgumentException("The tiny model needs the run's TinyTokenizer.", nameof(tokenizer));
        var configPath = RunFiles.ModelConfig(folder);
        var pretrained = TinyBaseOf(settings);
        var config = writeModelConfig || !File.Exists(configPath)
            ? pretrained?.Config ?? TinyModel.Config(tiny, settings.Dataset.ImageSize)
            : TinyModel.LoadConfig(configPath);
        if (pretrained is not null && config.VocabSize != tiny.VocabularySize)
        {
            throw new WorkflowException(
                $"model.path = \"{pretrained.Path}\" has a vocabulary of {config.VocabSize} tokens, but the run's tokenizer has {tiny.VocabularySize}: " +
                "a run on a tiny base uses the base's tokenizer; start a new run.");
        }
        if (writeModelConfig) TinyModel.SaveConfig(config, configPath);
        return (TinyModel.Create(config, setup, settings.Training.Seed, pretrained), tiny.PadId);
    }

    /// <inheritdoc />
    public override MergedExportResult Export(RunContext context, IReadOnlyList<TaskExample> examples, string target, string partial,
        MergedExportOptions options, TextWriter log) => TinyExport.Run(context, examples, target, partial, options, log);

    /// <summary>The pretrained tiny base at model.path, or null (a tiny model from random weights).</summary>
    /// <exception cref="WorkflowException">model.path does not hold a tiny base that fits dataset.image_size.</exception>
    private static TinyBase? TinyBaseOf(WorkflowSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Model.Path is not { Length: > 0 } path)
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
}
