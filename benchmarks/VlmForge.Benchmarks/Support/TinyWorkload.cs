using VlmForge.Abstractions.Sampling;
using VlmForge.Data.Batching;
using VlmForge.Data.Datasets;
using VlmForge.Data.Families;
using VlmForge.Data.Images;
using VlmForge.Data.Synthetic;
using VlmForge.Data.Tasks;
using VlmForge.Data.Tokenization;
using VlmForge.Engine.Generation;
using VlmForge.Engine.Plugins;
using VlmForge.Models.Modeling;
using VlmForge.Models.Tiny;
using VlmForge.Models.Training;
using static TorchSharp.torch;

namespace VlmForge.Benchmarks.Support;

/// <summary>
/// The default workflow's setting, small: a synthetic shapes dataset (64 px images) in a temporary folder, its tiny
/// tokenizer, the <c>tiny</c> preset model with fresh weights, and the built-in plugins. Benchmarks of any part of
/// the engine (generation here, training elsewhere) build on it; weights are untrained, which does not change timings.
/// </summary>
public sealed class TinyWorkload : IDisposable
{
    public const string SystemPrompt = "You are a precise visual assistant.";

    private TinyWorkload(string folder, ScalarType computeDtype)
    {
        Folder = folder;
        const int imageSize = 64;
        ShapesDatasetGenerator.Generate(folder, new ShapesDatasetOptions { ImageSize = imageSize, TrainCount = 24, ValidationCount = 8, Seed = 7 });
        var layout = DatasetLayout.FromPath(folder);
        Conventions = FamilyDataConventions.Tiny(imageSize);
        var builder = new TaskExampleBuilder(Conventions.Boxes);
        Train = builder.Build(JsonlDatasetLoader.Load(layout.TrainFile).Records, TaskKinds.All);
        Validation = builder.Build(JsonlDatasetLoader.Load(layout.ValidationFile!).Records, TaskKinds.All);
        Tokenizer = TinyTokenizer.Build(TaskExampleBuilder.Texts(Train, SystemPrompt), new TinyTokenizerOptions { MaxNumber = imageSize });
        Config = TinyVlmConfig.Tiny(Tokenizer.VocabularySize, Tokenizer.ImageId, Tokenizer.PadId);
        manual_seed(1);
        Model = TinyVlm.Create(Config, new ModelSetup { ComputeDtype = computeDtype });
        Model.train(false);
        Encoder = new ConversationEncoder(Tokenizer, Conventions.Template, Config.ImageTokenCount, SystemPrompt);
        Images = new PreparedImageCache(new ImagePreprocessor(Conventions.Normalization), Conventions.Boxes);
        Collator = new BatchCollator(Tokenizer.PadId);
        Context = new GenerationContext(Model, Encoder, Collator);
        Plugins = PluginCatalog.Load([]);
    }

    public string Folder { get; }
    public FamilyDataConventions Conventions { get; }
    public IReadOnlyList<TaskExample> Train { get; }
    public IReadOnlyList<TaskExample> Validation { get; }
    public TinyTokenizer Tokenizer { get; }
    public TinyVlmConfig Config { get; }
    public TinyVlm Model { get; }
    public ConversationEncoder Encoder { get; }
    public PreparedImageCache Images { get; }
    public BatchCollator Collator { get; }
    public GenerationContext Context { get; }
    public PluginCatalog Plugins { get; }

    /// <summary>The evaluation defaults of the platform page: sampling with top-k 50, top-p 0.95, temperature 1, penalty 1.05.</summary>
    public static SamplingOptions PageDefaults { get; } = new(DoSample: true, Temperature: 1.0, TopK: 50, TopP: 0.95, RepetitionPenalty: 1.05, Seed: 42);

    /// <summary>The root vlmforge.toml's evaluation: greedy with the 1.05 penalty.</summary>
    public static SamplingOptions Greedy { get; } = PageDefaults with { DoSample = false };

    public static TinyWorkload Create(ScalarType computeDtype = ScalarType.Float32) =>
        new(Path.Combine(Path.GetTempPath(), "vlmforge-benchmarks", Guid.NewGuid().ToString("N")), computeDtype);

    public ISampler CreateSampler(SamplingOptions options) => Plugins.Sampler("standard").Create(options);

    /// <summary>Left-padded generation prompts (VQA questions with their images) for <paramref name="batchSize"/> rows.</summary>
    public VlmBatch GenerationBatch(int batchSize)
    {
        var examples = Validation.Where(e => e.Task == TaskKind.Vqa).Take(batchSize).ToArray();
        if (examples.Length < batchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"The workload has {examples.Length} VQA prompts.");
        }
        return Collator.CollateForGeneration(
            examples.Select(e => new CollateItem(Images.Get(e.Record), Encoder.EncodeGenerationPrompt(e.UserText))).ToArray());
    }

    /// <summary>A right-padded training batch of the first <paramref name="batchSize"/> training examples.</summary>
    public VlmBatch TrainingBatch(int batchSize) =>
        Collator.CollateForTraining(
            Train.Take(batchSize).Select(e => new CollateItem(Images.Get(e.Record), Encoder.EncodeTraining(e.UserText, e.Answer))).ToArray());

    public static VlmInputs Inputs(VlmBatch batch) => new(batch.PixelValues, batch.InputIds, batch.AttentionMask);

    public void Dispose()
    {
        Model.Dispose();
        Plugins.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
