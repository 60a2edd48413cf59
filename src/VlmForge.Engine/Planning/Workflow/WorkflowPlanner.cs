using System.Globalization;
using VlmForge.Abstractions.Quantization;
using VlmForge.Data.Datasets;
using VlmForge.Data.Families;
using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Data.Prompts;
using VlmForge.Data.Tasks;
using VlmForge.Data.Tokenization;
using VlmForge.Data.Tokenization.HuggingFace;
using VlmForge.Engine.Families;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Planning.Architecture;
using VlmForge.Engine.Planning.Memory;
using VlmForge.Engine.Planning.Remedies;
using VlmForge.Engine.Planning.Time;
using VlmForge.Models.Families;
using VlmForge.Models.Presets;
using VlmForge.Models.Tiny;
using VlmForge.Settings;

namespace VlmForge.Engine.Planning.Workflow;

/// <summary>
/// Plans a workflow (<c>vlmforge plan</c>): its architecture from the snapshot's or the preset's config.json (the tiny
/// model from its config and the dataset's tokenizer), tokens per sample from the dataset when it exists (image tokens by
/// the family's image processing, text tokens by the model's tokenizer when there is one), then the memory and time
/// estimates and, for a GPU, the fit and the page's remedies.
/// </summary>
public static class WorkflowPlanner
{
    /// <summary>A VQA question for planning without a dataset (VQA records bring their own questions).</summary>
    public const string RepresentativeQuestion = "How many objects of each color are in the image, and where is the largest one?";

    /// <summary>Plans <paramref name="settings"/>.</summary>
    /// <param name="settings">The validated workflow.</param>
    /// <param name="quantizers">The installed quantizers by name (<see cref="Plugins.PluginCatalog.Quantizer"/>): each says how it stores a weight.</param>
    /// <param name="options">GPU memory and throughput.</param>
    /// <param name="configName">How to name the config in the plan.</param>
    /// <exception cref="PlanningException">
    /// The workflow cannot be planned (the message says why and what to change), for example no released checkpoint of
    /// the family has that size.
    /// </exception>
    public static MemoryPlan Plan(WorkflowSettings settings, Func<string, IQuantizerPlugin> quantizers, PlanOptions options, string configName)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(quantizers);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(configName);
        var assumptions = new List<string>();
        var dataset = DatasetProbe.Load(settings);
        int side = settings.Dataset.ImageSize;
        if (!dataset.Exists)
        {
            assumptions.Add(string.Create(CultureInfo.InvariantCulture,
                $"no dataset to measure ({dataset.MissingReason}): images of {side}x{side} px (dataset.image_size) and answers of " +
                $"max_new_tokens = {settings.Evaluation.MaxNewTokens} tokens are assumed."));
        }
        IReadOnlyList<ImageSize> originals = dataset.Exists
            ? dataset.Records.Select(r => r.ImageSize).Distinct().ToList()
            : [new ImageSize(side, side)];

        var family = settings.Model.Family;
        FamilyDataConventions conventions;
        ModelShape shape;
        string modelName, modelSource;
        int imageTokens, visionTokens;
        ITokenCounter counter;
        IReadOnlyList<TaskExample> examples;
        ModelShape? tinyShapeFor = null;
        // Per-image sizing (Qwen2.5-VL): the (image, vision) tokens of an image of an original size; null when one size fits all.
        Func<ImageSize, (int ImageTokens, int VisionTokens)>? perImageTokens = null;
        // Split images (SmolVLM): the tiles of an image of an original size; each frame has the model's image tokens.
        Func<ImageSize, TileGrid>? tilesOf = null;
        TileGrid unknownTiles = TileGrid.None;
        if (family == ModelFamily.Tiny)
        {
            conventions = FamilyDataConventions.Tiny(side);
            examples = BuildExamples(settings, dataset, conventions);
            TinyTokenizer? tokenizer = examples.Count == 0 ? null : TinyTokenizer.Build(
                TaskExampleBuilder.Texts(examples, settings.Prompt.System), new TinyTokenizerOptions { MaxNumber = side });
            int vocabulary = tokenizer?.VocabularySize ?? new TinyTokenizerOptions().MaxVocabularySize;
            if (tokenizer is null)
                assumptions.Add($"the tiny vocabulary is built from the dataset at `train`; its upper bound {vocabulary} is planned.");
            var config = TinyConfig(vocabulary, side);
            shape = tinyShapeFor = ModelShapes.Tiny(config);
            (modelName, modelSource) = ("tiny", $"the built-in tiny config at dataset.image_size = {side}, vocabulary {vocabulary}");
            imageTokens = config.ImageTokenCount;
            visionTokens = config.PatchGrid * config.PatchGrid;
            counter = tokenizer is null ? new HeuristicTokenCounter() : new TokenizerCounter(tokenizer, "the tiny tokenizer built from the dataset, as `train` builds it");
        }
        else
        {
            var resolved = ResolvedModel.Resolve(settings, assumptions);
            var familyOf = ModelFamilyRegistry.Of(resolved.Config);
            shape = familyOf.Shape(resolved.Config, resolved.Name);
            (modelName, modelSource) = (resolved.Name, resolved.Source);
            var run = RunConventions.WithSplitting(
                familyOf.Conventions(resolved.Config, SnapshotResize(resolved, familyOf), originals, side), SnapshotSplitting(resolved, familyOf));
            conventions = run.Conventions;
            if (run.PerImage)
            {
                // Each image is sized on its own: the longest sample (image + text tokens) is measured below.
                perImageTokens = original => familyOf.ImageTokens(resolved.Config, run.Conventions.Boxes.ModelImageSize(original));
                if (originals.Count > 1)
                    assumptions.Add($"the images have {originals.Count} different sizes, each resized on its own ({run.Resize}); the longest sample's image is planned.");
            }
            else if (run.Conventions.Splitting is { } splitting)
            {
                tilesOf = splitting.Grid;
                // Without a dataset, a square image at the longest edge: the most tiles the processor makes.
                unknownTiles = splitting.Grid(new ImageSize(splitting.LongestEdge ?? splitting.TileSize, splitting.LongestEdge ?? splitting.TileSize));
                assumptions.Add($"images are split into {splitting.TileSize} px tiles and a global view ({run.Resize}); each frame has the image tokens below, " +
                                (!dataset.Exists ? $"and a square image's {unknownTiles.Frames} frames are planned." : "and the longest sample's frames are planned."));
            }
            else if (originals.Count > 1 && run.Conventions.Boxes is FixedSizeBoxConvention)
            {
                assumptions.Add($"the images have {originals.Count} different sizes: each is resized to {run.ModelImage.Width}x{run.ModelImage.Height} (one image size per run).");
            }
            (imageTokens, visionTokens) = familyOf.ImageTokens(resolved.Config, run.ModelImage);
            examples = BuildExamples(settings, dataset, conventions);
            counter = (ITokenCounter?)SnapshotCounter(resolved, assumptions) ?? new HeuristicTokenCounter();
        }

        int fixedImageTokens = imageTokens;
        Func<TaskExample, ExampleImage> exampleImage = e => new ExampleImage(
            perImageTokens is null ? fixedImageTokens : perImageTokens(e.Record.ImageSize).ImageTokens,
            tilesOf is null ? TileGrid.None : tilesOf(e.Record.ImageSize));
        var (maxText, meanText, measured, longest) = TextTokens(
            settings, examples, conventions.Template, new ExampleImage(imageTokens, unknownTiles), exampleImage, counter, options.MaxExamplesMeasured);
        if (perImageTokens is not null && longest is not null)
            (imageTokens, visionTokens) = perImageTokens(longest.Record.ImageSize);
        // A split image is several encoder frames of the same size: planned as that many images of one frame each.
        int frames = longest is null ? unknownTiles.Frames : exampleImage(longest).Tiles.Frames;
        if (counter is HeuristicTokenCounter heuristic)
            assumptions.Add(heuristic.Description + ".");
        var sequence = new SequenceShape(frames, imageTokens, visionTokens, maxText, meanText);
        var input = Input(settings, quantizers, shape, sequence);
        var estimate = MemoryEstimator.Estimate(input);
        if (!input.Optimizer.Known)
            assumptions.Add($"training.optimizer = \"{input.Optimizer.Name}\" is not a known optimizer: two float32 state tensors per parameter (like AdamW) are assumed.");

        int? trainExamples = examples.Count == 0 ? null : (int)Math.Round(examples.Count * dataset.TrainShare);
        var time = TimeEstimator.Estimate(input, options.SustainedTflops, trainExamples, settings.Training.Epochs, settings.Training.MaxSteps);

        GpuBudget? gpu = options.GpuMemoryGiB is double gib ? GpuBudget.FromGiB(gib) : null;
        IReadOnlyList<Remedy> remedies = [];
        int? largest = null;
        if (gpu is not null)
        {
            var nf4 = QuantizationPlan.Of(quantizers("nf4"), new QuantizationOptions(settings.Model.DoubleQuantization));
            remedies = RemedyAdvisor.Suggest(input, gpu, SmallerModels(settings, tinyShapeFor), LoraFor(settings.Model), nf4);
            if (gpu.IsComfortable(estimate.TotalBytes))
                largest = RemedyAdvisor.LargestComfortableBatch(input, gpu);
        }

        string tokenSource = examples.Count == 0
            ? $"no dataset: the prompt with max_new_tokens = {settings.Evaluation.MaxNewTokens} answer tokens; {counter.Description}"
            : $"{measured} of {examples.Count} training examples; {counter.Description}";
        return new MemoryPlan
        {
            ConfigName = configName,
            ModelName = modelName,
            ModelSource = modelSource,
            Estimate = estimate,
            Time = time,
            Gpu = gpu,
            Fit = gpu?.Fit(estimate.TotalBytes),
            Remedies = remedies,
            LargestComfortableBatch = largest,
            TokenSource = tokenSource,
            Assumptions = assumptions,
        };
    }

    /// <summary>The plan input of <paramref name="settings"/> for an architecture and sequence.</summary>
    public static PlanInput Input(WorkflowSettings settings, Func<string, IQuantizerPlugin> quantizers, ModelShape shape, SequenceShape sequence)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(quantizers);
        var model = settings.Model;
        bool lora = model.TrainingMode == TrainingMode.Lora;
        return new PlanInput
        {
            Model = shape,
            Mode = model.TrainingMode,
            Lora = lora ? LoraFor(model) : null,
            Quantization = QuantizationPlan.Of(quantizers(model.Quantization), new QuantizationOptions(model.DoubleQuantization)),
            Precision = PrecisionPlan.FromName(model.Precision),
            Optimizer = OptimizerPlan.FromName(settings.Training.Optimizer),
            BatchSize = settings.Training.BatchSize,
            GradientAccumulation = settings.Training.GradientAccumulation,
            GradientCheckpointing = model.GradientCheckpointing,
            Sequence = sequence,
        };
    }

    private static LoraPlan LoraFor(ModelOptions model) => new(model.LoraRank, model.LoraDropout, [.. model.LoraTargetModules]);

    private static TinyVlmConfig TinyConfig(int vocabulary, int imageSize)
    {
        // Token ids do not change the shape; 0 is inside every vocabulary.
        var config = new TinyVlmConfig { VocabSize = vocabulary, ImageTokenId = 0, PadTokenId = 0, ImageSize = imageSize };
        try
        {
            config.Validate();
        }
        catch (InvalidModelConfigException e)
        {
            throw new PlanningException($"dataset.image_size = {imageSize} does not fit the tiny model: {e.Message}", e, "dataset.image_size");
        }
        return config;
    }

    private static IReadOnlyList<TaskExample> BuildExamples(WorkflowSettings settings, DatasetProbe dataset, FamilyDataConventions conventions)
    {
        if (!dataset.Exists)
            return [];
        var builder = new TaskExampleBuilder(conventions.Boxes, new TaskInstructions
        {
            Grounding = settings.Prompt.GroundingInstruction,
            Caption = settings.Prompt.CaptionInstruction,
        });
        return builder.Build(dataset.Records, WorkflowDataset.TasksOf(settings.Dataset.Task));
    }

    private static TokenizerCounter? SnapshotCounter(ResolvedModel resolved, List<string> assumptions)
    {
        if (resolved.SnapshotPath is not { } folder)
            return null;
        try
        {
            return new TokenizerCounter(HuggingFaceTokenizer.Load(folder), $"the snapshot's tokenizer ({folder})");
        }
        catch (Exception e) when (e is IOException or TokenizerFormatException or InvalidDataException)
        {
            assumptions.Add($"the snapshot's tokenizer could not be read ({e.Message}).");
            return null;
        }
    }

    /// <summary>
    /// Text tokens of the longest sample (image tokens + text tokens, each example with its own image's count), the mean
    /// text tokens, how many examples were measured, and the longest sample (null without a dataset).
    /// </summary>
    private static (int Max, double Mean, int Measured, TaskExample? Longest) TextTokens(
        WorkflowSettings settings, IReadOnlyList<TaskExample> examples, ChatTemplate template, ExampleImage noDataset,
        Func<TaskExample, ExampleImage> imageOf, ITokenCounter counter, int maxMeasured)
    {
        int Count(IReadOnlyList<ChatSegment> segments) => segments.Where(s => s.Kind != SegmentKind.Image).Sum(s => counter.Count(s.Rendered));
        if (examples.Count == 0)
        {
            var user = settings.Dataset.Task switch
            {
                DatasetTask.Caption => settings.Prompt.CaptionInstruction,
                DatasetTask.Vqa => RepresentativeQuestion,
                _ => settings.Prompt.GroundingInstruction,
            };
            int prompt = Count(template.BuildTraining(settings.Prompt.System, user, "", noDataset.Tokens, noDataset.Tiles));
            int total = prompt + settings.Evaluation.MaxNewTokens;
            return (total, total, 0, null);
        }
        int stride = Math.Max(1, (examples.Count + maxMeasured - 1) / maxMeasured);
        var counts = new List<(int Text, int Image, TaskExample Example)>();
        for (int i = 0; i < examples.Count; i += stride)
        {
            var image = imageOf(examples[i]);
            counts.Add((Count(template.BuildTraining(settings.Prompt.System, examples[i].UserText, examples[i].Answer, image.Tokens, image.Tiles)),
                image.Tokens * image.Tiles.Frames, examples[i]));
        }
        var longest = counts.MaxBy(c => c.Text + c.Image);
        return (longest.Text, counts.Average(c => c.Text), counts.Count, longest.Example);
    }

    /// <summary>
    /// The image resize of the planned model as its family reads it from the snapshot (Qwen2.5-VL's
    /// preprocessor_config.json bounds); null without a snapshot (the family's defaults) or for a fixed input size.
    /// </summary>
    private static SmartResize? SnapshotResize(ResolvedModel resolved, IModelFamily family) =>
        FromSnapshot(resolved, folder => family.ReadResize(resolved.Config, folder, folder));

    /// <summary>The planned model's image splitting as its family reads it from the snapshot (SmolVLM); null without a snapshot.</summary>
    private static ImageSplitting? SnapshotSplitting(ResolvedModel resolved, IModelFamily family) =>
        FromSnapshot(resolved, folder => family.ReadSplitting(resolved.Config, folder, folder));

    /// <summary>What <paramref name="read"/> finds in the snapshot folder (null without one); its errors name model.path.</summary>
    private static T? FromSnapshot<T>(ResolvedModel resolved, Func<string, T?> read) where T : class
    {
        if (resolved.SnapshotPath is not { } folder)
            return null;
        try
        {
            return read(folder);
        }
        catch (WorkflowException e)
        {
            throw new PlanningException(e.Message, "model.path");
        }
    }

    /// <summary>An example's image in the prompt: placeholders per frame, and its tiles when split.</summary>
    private readonly record struct ExampleImage(int Tokens, TileGrid Tiles);

    /// <summary>The smaller sizes of the family with a preset, next smaller first (none for tiny).</summary>
    private static IReadOnlyList<SmallerModel> SmallerModels(WorkflowSettings settings, ModelShape? tiny)
    {
        if (tiny is not null)
            return [];
        var family = ModelFamilies.Normalize(settings.Model.Family.ToTomlName());
        int current = ModelPresets.Sizes.ToList().IndexOf(settings.Model.Size.ToTomlName());
        return ModelPresets.All
            .Where(p => p.Family == family && ModelPresets.Sizes.ToList().IndexOf(p.Size) < current)
            .OrderByDescending(p => ModelPresets.Sizes.ToList().IndexOf(p.Size))
            .Select(p => new SmallerModel(p.Size, p.Repository, ModelFamilyRegistry.Of(p.Config).Shape(p.Config, p.Repository)))
            .ToList();
    }
}
