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
internal static class WorkflowPlanner
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

        PlannedModel model;
        try
        {
            model = ModelFamilyRegistry.Of(settings).Plan(new PlanRequest(settings, dataset, originals, assumptions));
        }
        catch (WorkflowException e)
        {
            throw new PlanningException(e.Message, e, "model.family");
        }
        var (shape, modelName, modelSource, conventions, examples, imageTokens, visionTokens, counter) = model;
        var perImageTokens = model.PerImageTokens;
        var tilesOf = model.TilesOf;
        var unknownTiles = model.UnknownTiles;

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
            remedies = RemedyAdvisor.Suggest(input, gpu, model.SmallerModels(), LoraFor(settings.Model), nf4);
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

    /// <summary>An example's image in the prompt: placeholders per frame, and its tiles when split.</summary>
    private readonly record struct ExampleImage(int Tokens, TileGrid Tiles);
}
