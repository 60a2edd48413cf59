using TorchSharp;
using VlmForge.Abstractions.Optimizers;
using VlmForge.Models.Decoder;
using VlmForge.Models.Detection;
using VlmForge.Models.Families.Common;
using VlmForge.Models.Generation;
using VlmForge.Models.Inspection;
using VlmForge.Models.Layers;
using VlmForge.Models.Modeling;
using VlmForge.Models.Projector;
using VlmForge.Models.Safetensors;
using VlmForge.Models.StateDicts;
using VlmForge.Models.Training;
using VlmForge.Models.Vision;
using static TorchSharp.torch;

namespace VlmForge.Models.Tiny;

/// <summary>
/// The tiny LLaVA-style VLM: <c>vision_tower</c> (ViT) → <c>multi_modal_projector</c> (2x2 merge + MLP) →
/// <c>language_model</c> (Llama-style decoder) → <c>lm_head</c>. Field names are the state_dict keys.
/// </summary>
public sealed class TinyVlm : nn.Module<VlmInputs, VlmOutput>, IVisionLanguageModel, IChildHost, IVisionObjectiveSource
{
    private readonly VisionTower? vision_tower;
    private readonly MultiModalProjector? multi_modal_projector;
    private readonly GroundingDetector? detector;
    private readonly LanguageModel language_model;
    private nn.Module<Tensor, Tensor> lm_head;
    private IReadOnlyList<QuantizedLinearInfo> quantized = [];

    private TinyVlm(TinyVlmConfig config, ModelSetup setup) : base("tiny_vlm")
    {
        Config = config;
        Setup = setup;
        var device = setup.Device ?? CPU;
        var dtype = setup.ComputeDtype;
        if (config.VisionType == TinyVisionType.Detector)
        {
            detector = new GroundingDetector(
                config.ImageSize, config.DetectorWidth, config.VocabSize, config.HiddenSize, config.DetectorMaxObjects,
                config.CoordinateTokenIds!, dtype, device);
        }
        else
        {
            vision_tower = new VisionTower(
                config.ImageSize, config.PatchSize, config.VisionHiddenSize, config.VisionLayers, config.VisionHeads,
                config.VisionIntermediateSize, config.VisionLayerNormEps, dtype, device,
                stem: config.VisionStem, sinCosPositions: config.VisionSinCosPositions);
            multi_modal_projector = new MultiModalProjector(
                config.PatchGrid, config.ProjectorMergeSize, config.VisionHiddenSize, config.HiddenSize, dtype, device);
        }
        language_model = new LanguageModel(
            config.VocabSize, config.HiddenSize, config.Layers, config.Heads, config.KeyValueHeads, config.IntermediateSize,
            config.RmsNormEps, dtype, device);
        lm_head = config.TieWordEmbeddings
            ? new TiedLmHead(language_model.EmbedTokens)
            : new CastingLinear(config.HiddenSize, config.VocabSize, hasBias: false, dtype, device);
        RegisterComponents();
        GradientCheckpointing = setup.GradientCheckpointing;
    }

    /// <summary>
    /// Builds the model with fresh weights (seed with <c>torch.manual_seed</c> first), or with a pretrained base's weights
    /// when <paramref name="baseWeights"/> is given (every key, strictly), and prepares it for training (adapters,
    /// quantized and frozen layers).
    /// </summary>
    /// <exception cref="StateDictMismatchException">The base does not fit <paramref name="config"/>.</exception>
    public static TinyVlm Create(TinyVlmConfig config, ModelSetup setup, ITensorSource? baseWeights = null, string? baseName = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(setup);
        config.Validate();
        setup.Validate();
        var model = new TinyVlm(config, setup);
        if (baseWeights is not null)
        {
            // Loaded before the adapters wrap and freeze the layers, so the checkpoint's keys are the plain model's.
            StrictStateDictLoader.Load(model, baseWeights, sourceName: baseName);
        }
        model.quantized = TrainingSetup.Apply(model, setup, IsQuantizable);
        return model;
    }

    /// <summary>The shapes.</summary>
    public TinyVlmConfig Config { get; }

    /// <summary>Mode, adapters, quantizer, compute dtype.</summary>
    public ModelSetup Setup { get; }

    /// <inheritdoc />
    public int ImageTokenCount => Config.ImageTokenCount;

    /// <inheritdoc />
    public int ImageTokenId => Config.ImageTokenId;

    /// <inheritdoc />
    public int ImageSize => Config.ImageSize;

    /// <inheritdoc />
    public int VocabSize => Config.VocabSize;

    /// <summary>Recompute decoder layers and vision blocks in backward instead of keeping their activations.</summary>
    public bool GradientCheckpointing
    {
        get => language_model.GradientCheckpointing;
        set
        {
            language_model.GradientCheckpointing = value;
            if (vision_tower is not null)
            {
                vision_tower.GradientCheckpointing = value;
            }
        }
    }

    /// <inheritdoc />
    public IVisionObjective? VisionObjective => detector;

    /// <summary>Linear layers a quantizer stores (empty without quantization).</summary>
    public IReadOnlyList<QuantizedLinearInfo> QuantizedLinears => quantized;

    /// <inheritdoc />
    public VlmOutput Forward(VlmInputs inputs) => call(inputs);

    /// <inheritdoc />
    public override VlmOutput forward(VlmInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var (batch, length) = CausalLanguageModeling.CheckTokens(inputs.InputIds, inputs.AttentionMask, Config.VocabSize, nameof(inputs), IdHint);
        using var scope = NewDisposeScope();
        var (embeds, detectionLoss, _) = EmbedWithImages(inputs.InputIds, inputs.PixelValues, inputs.Regions);

        AttentionContext context;
        if (inputs.AttentionMask is null || CausalLanguageModeling.IsRightPadded(inputs.AttentionMask))
        {
            // With right padding every real token sees only real tokens under the causal mask, and positions are
            // 0..T-1: plain causal attention is exact and lets SDPA take its fastest path.
            var positions = arange(length, ScalarType.Int64, embeds.device).unsqueeze(0).expand(batch, length);
            var (cos, sin) = RotaryEmbedding.Tables(positions, Config.HeadDim, Config.RopeTheta, Setup.ComputeDtype);
            context = new AttentionContext(cos, sin, null, isCausal: true, cache: null);
        }
        else
        {
            var valid = inputs.AttentionMask.to(ScalarType.Bool);
            var (cos, sin) = RotaryEmbedding.Tables(CausalLanguageModeling.PositionsFrom(valid), Config.HeadDim, Config.RopeTheta, Setup.ComputeDtype);
            context = new AttentionContext(cos, sin, CausalLanguageModeling.PaddedCausalMask(valid), isCausal: false, cache: null);
        }

        var hidden = language_model.call(embeds, context);
        var logits = lm_head.call(hidden).to(ScalarType.Float32);
        if (inputs.Labels is null)
        {
            return new VlmOutput(logits.MoveToOuterDisposeScope(), null, null, null, detectionLoss?.MoveToOuterDisposeScope());
        }

        var (loss, lossSum, count) = CausalLanguageModeling.ShiftedCrossEntropy(logits, inputs.Labels, Config.VocabSize, inputs.RowLossWeights);
        return new VlmOutput(
            logits.MoveToOuterDisposeScope(), loss.MoveToOuterDisposeScope(), lossSum.MoveToOuterDisposeScope(), count.MoveToOuterDisposeScope(),
            detectionLoss?.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public PrefillResult Prefill(VlmInputs prompt, int maxNewTokens)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentOutOfRangeException.ThrowIfNegative(maxNewTokens);
        var (batch, length) = CausalLanguageModeling.CheckTokens(prompt.InputIds, prompt.AttentionMask, Config.VocabSize, nameof(prompt), IdHint);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (embeds, _, rowLinks) = EmbedWithImages(prompt.InputIds, prompt.PixelValues, regions: null);
        var valid = CachedDecoding.PromptValidity(prompt.AttentionMask, batch, length, embeds.device, nameof(prompt));
        // Positions count real tokens only, so each row's next position is its count of real tokens.
        var rotary = RotaryEmbedding.Tables(CausalLanguageModeling.PositionsFrom(valid), Config.HeadDim, Config.RopeTheta, Setup.ComputeDtype);
        var result = CachedDecoding.Prefill(language_model.call, lm_head.call, embeds, valid, rotary, valid.sum(1, type: ScalarType.Int64),
            new KvCacheShape(language_model.LayerCount, Config.KeyValueHeads, Config.HeadDim, Setup.ComputeDtype), maxNewTokens);
        // Generated words link to the detections as the prompt's did.
        result.Cache.RowTokenOffsets = rowLinks;
        return result;
    }

    /// <inheritdoc />
    public Tensor DecodeStep(Tensor nextTokens, KvCache cache)
    {
        CachedDecoding.CheckNextTokens(nextTokens, cache, Config.VocabSize, IdHint);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var embeds = language_model.Embed(nextTokens.unsqueeze(1));
        if (cache.RowTokenOffsets is { } links)
        {
            embeds = embeds + LinksOf(links, nextTokens.unsqueeze(1)).to(embeds.dtype);
        }
        var rotary = RotaryEmbedding.Tables(cache.NextPositions.unsqueeze(1), Config.HeadDim, Config.RopeTheta, Setup.ComputeDtype);
        return CachedDecoding.Decode(language_model.call, lm_head.call, embeds, rotary, cache).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public IReadOnlyList<NamedParameter> TrainableParameters() =>
        named_parameters().Where(p => p.parameter.requires_grad).Select(p => new NamedParameter(p.name, p.parameter)).ToList();

    /// <inheritdoc />
    public ParameterTable DescribeParameters() => ParameterTable.Build(this, quantized);

    /// <inheritdoc />
    public void ReplaceChild(string name, nn.Module<Tensor, Tensor> replacement) =>
        ChildSlots.Replace(this, _internal_submodules, name, replacement);

    private const string IdHint = "Is the tokenizer the one this model was built for?";

    private static bool IsQuantizable(string path) =>
        path.StartsWith("language_model.", StringComparison.Ordinal) || path.StartsWith("vision_tower.", StringComparison.Ordinal);

    /// <summary>
    /// Token embeddings with each image's tokens written over its placeholder run, and the detector's loss when the
    /// model has a detector and <paramref name="regions"/> (one list per image) are given.
    /// </summary>
    private (Tensor Embeds, Tensor? DetectionLoss, Tensor? RowLinks) EmbedWithImages(Tensor inputIds, Tensor? pixelValues, IReadOnlyList<IReadOnlyList<ImageRegion>>? regions)
    {
        using var scope = NewDisposeScope();
        var embeds = language_model.Embed(inputIds);
        var isImage = inputIds == Config.ImageTokenId;
        var placeholders = isImage.sum().item<long>();
        var images = pixelValues?.shape[0] ?? 0;
        var expected = images * Config.ImageTokenCount;
        if (placeholders != expected)
        {
            throw new ArgumentException(
                $"input_ids hold {placeholders} image placeholder tokens (id {Config.ImageTokenId}) but {images} image(s) " +
                $"need {expected} ({Config.ImageTokenCount} per image). Each image must appear as exactly {Config.ImageTokenCount} " +
                "consecutive placeholders, images in the order of pixel_values.",
                nameof(inputIds));
        }
        if (pixelValues is null || images == 0)
        {
            return (embeds.MoveToOuterDisposeScope(), null, null);
        }
        if (pixelValues.ndim != 4 || pixelValues.shape[1] != 3 || pixelValues.shape[2] != Config.ImageSize || pixelValues.shape[3] != Config.ImageSize)
        {
            throw new ArgumentException(
                $"pixel_values must be [N, 3, {Config.ImageSize}, {Config.ImageSize}], got [{string.Join(", ", pixelValues.shape)}].",
                nameof(pixelValues));
        }

        Tensor features;
        Tensor? detectionLoss = null;
        Tensor? rowLinks = null;
        if (detector is not null)
        {
            var maps = detector.call(pixelValues);
            if (regions is not null)
            {
                detectionLoss = detector.Loss(maps, regions);
            }
            var readout = detector.Read(maps, language_model.EmbedTokens.Weight, Config.DetectorTextLinks);
            features = readout.Tokens;
            if (readout.TextLinks is { } links)
            {
                rowLinks = RowsOf(links, isImage);
                embeds = embeds + LinksOf(rowLinks, inputIds).to(embeds.dtype);
            }
        }
        else
        {
            features = multi_modal_projector!.call(vision_tower!.call(pixelValues));
        }
        var flat = features.reshape(-1, features.shape[^1]).to(embeds.dtype);
        var merged = embeds.masked_scatter(isImage.unsqueeze(-1).expand_as(embeds), flat);
        return (merged.MoveToOuterDisposeScope(), detectionLoss?.MoveToOuterDisposeScope(), rowLinks?.MoveToOuterDisposeScope());
    }

    /// <summary>Each row's text links [B, V, D]: the sum of its images' (images in row order, as placeholders come).</summary>
    private Tensor RowsOf(Tensor imageLinks, Tensor isImage)
    {
        var perRow = isImage.sum(1, type: ScalarType.Int64).cpu().data<long>().Select(count => count / Config.ImageTokenCount).ToArray();
        var images = imageLinks.shape[0];
        var assignment = new float[perRow.Length * images];
        long next = 0;
        for (int row = 0; row < perRow.Length; row++)
        {
            for (long i = 0; i < perRow[row]; i++, next++)
            {
                assignment[(row * images) + next] = 1f;
            }
        }
        var matrix = tensor(assignment, [perRow.Length, images], imageLinks.dtype, imageLinks.device);
        return matrix.matmul(imageLinks.reshape(images, -1)).reshape(perRow.Length, imageLinks.shape[1], imageLinks.shape[2]);
    }

    /// <summary>The links of <paramref name="ids"/> [B, T] from each row's table [B, V, D], halved so a linked word stays mostly itself.</summary>
    private static Tensor LinksOf(Tensor rowLinks, Tensor ids) =>
        rowLinks.gather(1, ids.unsqueeze(-1).expand(-1, -1, rowLinks.shape[2])) * 0.5;

}
