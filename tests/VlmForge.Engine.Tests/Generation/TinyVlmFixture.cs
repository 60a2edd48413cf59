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
using VlmForge.Models.Tiny;
using VlmForge.Models.Training;
using static TorchSharp.torch;

namespace VlmForge.Engine.Tests.Generation;

/// <summary>
/// A small synthetic shapes dataset (32 px images, 4 train + 6 validation records), its tokenizer, and an untrained tiny
/// model small enough that a generation call takes milliseconds: 32 px images in 4 image tokens, a 2-layer decoder 64 wide.
/// The model's image size equals the data's, so box coordinates map back to original pixels exactly.
/// </summary>
public sealed class TinyVlmFixture : IDisposable
{
    public const string SystemPrompt = "You are a precise visual assistant.";
    public const int ImageSize = 32;

    public TinyVlmFixture()
    {
        // Tensors this small gain nothing from a second intra-op thread, and on a busy 2-core machine the threads'
        // spin-waiting made each generation step 10-30x slower (measured). The test process only.
        set_num_threads(1);
        Folder = Path.Combine(Path.GetTempPath(), "vlmforge-engine-tests", Guid.NewGuid().ToString("N"));
        ShapesDatasetGenerator.Generate(Folder, new ShapesDatasetOptions { ImageSize = ImageSize, TrainCount = 4, ValidationCount = 6, Seed = 5 });
        var layout = DatasetLayout.FromPath(Folder);
        Conventions = FamilyDataConventions.Tiny(ImageSize);
        var builder = new TaskExampleBuilder(Conventions.Boxes);
        Train = builder.Build(JsonlDatasetLoader.Load(layout.TrainFile).Records, TaskKinds.All);
        Validation = builder.Build(JsonlDatasetLoader.Load(layout.ValidationFile!).Records, TaskKinds.All);
        Tokenizer = TinyTokenizer.Build(
            TaskExampleBuilder.Texts(Train.Concat(Validation), SystemPrompt), new TinyTokenizerOptions { MaxNumber = ImageSize });
        Config = new TinyVlmConfig
        {
            VocabSize = Tokenizer.VocabularySize,
            ImageTokenId = Tokenizer.ImageId,
            PadTokenId = Tokenizer.PadId,
            ImageSize = ImageSize,
            PatchSize = 8,
            VisionHiddenSize = 32,
            VisionLayers = 1,
            VisionHeads = 2,
            VisionIntermediateSize = 64,
            HiddenSize = 64,
            Layers = 2,
            Heads = 4,
            KeyValueHeads = 2,
            IntermediateSize = 128,
        };
        Model = NewModel(seed: 3);
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

    public ISamplerPlugin Sampler => Plugins.Sampler("standard");

    public static SamplingOptions Greedy { get; } = new(DoSample: false, Temperature: 1.0, TopK: 50, TopP: 0.95, RepetitionPenalty: 1.05, Seed: 42);

    /// <summary>An untrained model with weights drawn from <paramref name="seed"/>, in evaluation mode.</summary>
    public TinyVlm NewModel(int seed)
    {
        manual_seed(seed);
        var model = TinyVlm.Create(Config, new ModelSetup());
        model.train(false);
        return model;
    }

    public IReadOnlyList<TaskExample> ValidationOf(TaskKind task) => Validation.Where(e => e.Task == task).ToArray();

    public GenerationPrompt Prompt(TaskExample example, bool constrain = false) =>
        new(Images.Get(example.Record), example.UserText, constrain);

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

[CollectionDefinition(Name)]
public sealed class TinyVlmCollection : ICollectionFixture<TinyVlmFixture>
{
    public const string Name = "tiny VLM on synthetic shapes";
}
