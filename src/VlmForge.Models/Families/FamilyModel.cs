using TorchSharp;
using VlmForge.Abstractions.Optimizers;
using VlmForge.Models.Decoder;
using VlmForge.Models.Families.Common;
using VlmForge.Models.Generation;
using VlmForge.Models.Inspection;
using VlmForge.Models.Layers;
using VlmForge.Models.Modeling;
using VlmForge.Models.Training;
using static TorchSharp.torch;

namespace VlmForge.Models.Families;

/// <summary>
/// What the real families share: image features written over the placeholder runs, a rotary decoder with a KV cache,
/// the shifted loss, and the training setup (LoRA, quantized frozen base, compute dtype). A family supplies its vision
/// pipeline and its rotary positions (1D for Llama, 3D M-RoPE for Qwen2.5-VL). Module fields live in the subclasses,
/// named like the checkpoint keys.
/// </summary>
public abstract class FamilyModel : nn.Module<VlmInputs, VlmOutput>, IVisionLanguageModel, IChildHost
{
    private IReadOnlyList<QuantizedLinearInfo> quantized = [];

    /// <summary>Stores the setup; the subclass builds its modules.</summary>
    protected FamilyModel(string name, ModelSetup setup) : base(name)
    {
        ArgumentNullException.ThrowIfNull(setup);
        Setup = setup;
    }

    /// <summary>Mode, adapters, quantizer, compute dtype.</summary>
    public ModelSetup Setup { get; }

    /// <summary>The parsed config.json.</summary>
    public abstract IFamilyConfig Config { get; }

    /// <summary>The <c>model.family</c> name.</summary>
    public string Family => Config.Family;

    /// <inheritdoc />
    public abstract int ImageTokenCount { get; }

    /// <inheritdoc />
    public int ImageTokenId => Config.ImageTokenId;

    /// <inheritdoc />
    public abstract int ImageSize { get; }

    /// <inheritdoc />
    public int VocabSize => Config.VocabSize;

    /// <summary>Linear layers a quantizer stores (empty without quantization).</summary>
    public IReadOnlyList<QuantizedLinearInfo> QuantizedLinears => quantized;

    /// <summary>Recompute decoder layers and vision blocks in backward instead of keeping their activations.</summary>
    public abstract bool GradientCheckpointing { get; set; }

    /// <summary>The decoder body.</summary>
    protected abstract LanguageModel Decoder { get; }

    /// <summary>The output head (a linear layer, or the tied token table).</summary>
    protected abstract nn.Module<Tensor, Tensor> Head { get; }

    /// <summary>Decoder key/value heads and head width (the cache's shape).</summary>
    protected abstract (int KeyValueHeads, int HeadDim) CacheShape { get; }

    /// <summary>
    /// Placeholder tokens each image occupies, in order: an image of <paramref name="pixelValues"/>' size, or of its own
    /// size in <paramref name="sizes"/> when the images differ; throws for a size the family cannot take.
    /// </summary>
    protected abstract int[] TokensPerImage(Tensor pixelValues, IReadOnlyList<ImageExtent>? sizes);

    /// <summary>Projected image features [.., hidden] for pixels [N, 3, H, W], the images' tokens one after another.</summary>
    protected abstract Tensor ImageFeatures(Tensor pixelValues, IReadOnlyList<ImageExtent>? sizes);

    /// <summary>Rotary positions [axes, B, T] int64 of the real tokens (axes: 1 for Llama, 3 for M-RoPE).</summary>
    protected abstract Tensor Positions(Tensor inputIds, Tensor valid, Tensor? pixelValues, IReadOnlyList<ImageExtent>? sizes);

    /// <summary>cos and sin tables [B, T, headDim] in the compute dtype for positions [axes, B, T].</summary>
    protected abstract (Tensor Cos, Tensor Sin) RotaryTables(Tensor positions);

    /// <summary>Which linear paths a quantizer may store (decoder and vision encoder, not connectors or the head).</summary>
    protected internal abstract bool IsQuantizable(string path);

    /// <summary>Prepares a freshly built model for training; the loader does this itself while streaming weights.</summary>
    protected void ApplySetup() => quantized = TrainingSetup.Apply(this, Setup, IsQuantizable);

    /// <summary>Records what the loader's streaming setup quantized.</summary>
    internal void SetQuantized(IReadOnlyList<QuantizedLinearInfo> linears) => quantized = linears;

    /// <inheritdoc />
    public VlmOutput Forward(VlmInputs inputs) => call(inputs);

    /// <inheritdoc />
    public override VlmOutput forward(VlmInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var (batch, length) = CausalLanguageModeling.CheckTokens(inputs.InputIds, inputs.AttentionMask, VocabSize, nameof(inputs), IdHint);
        using var scope = NewDisposeScope();
        var embeds = EmbedWithImages(inputs.InputIds, inputs.PixelValues, inputs.ImageSizes);
        var valid = inputs.AttentionMask is null
            ? ones(batch, length, ScalarType.Bool, embeds.device)
            : inputs.AttentionMask.to(ScalarType.Bool);
        var (cos, sin) = RotaryTables(Positions(inputs.InputIds, valid, inputs.PixelValues, inputs.ImageSizes));
        // With right padding every real token sees only real tokens under the causal mask: SDPA's fastest path is exact.
        var context = inputs.AttentionMask is null || CausalLanguageModeling.IsRightPadded(inputs.AttentionMask)
            ? new AttentionContext(cos, sin, null, isCausal: true, cache: null)
            : new AttentionContext(cos, sin, CausalLanguageModeling.PaddedCausalMask(valid), isCausal: false, cache: null);

        var hidden = Decoder.call(embeds, context);
        var logits = Head.call(hidden).to(ScalarType.Float32);
        if (inputs.Labels is null)
        {
            return new VlmOutput(logits.MoveToOuterDisposeScope(), null, null, null);
        }
        var (loss, lossSum, count) = CausalLanguageModeling.ShiftedCrossEntropy(logits, inputs.Labels, VocabSize, inputs.RowLossWeights);
        return new VlmOutput(
            logits.MoveToOuterDisposeScope(), loss.MoveToOuterDisposeScope(), lossSum.MoveToOuterDisposeScope(), count.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public PrefillResult Prefill(VlmInputs prompt, int maxNewTokens)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentOutOfRangeException.ThrowIfNegative(maxNewTokens);
        var (batch, length) = CausalLanguageModeling.CheckTokens(prompt.InputIds, prompt.AttentionMask, VocabSize, nameof(prompt), IdHint);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var embeds = EmbedWithImages(prompt.InputIds, prompt.PixelValues, prompt.ImageSizes);
        var valid = CachedDecoding.PromptValidity(prompt.AttentionMask, batch, length, embeds.device, nameof(prompt));
        var positions = Positions(prompt.InputIds, valid, prompt.PixelValues, prompt.ImageSizes);
        // The next token's position follows the largest position of the row's real tokens (M-RoPE images advance
        // positions by their grid side, not by their token count).
        var nextPositions = (positions.amax([0L]) * valid.to(ScalarType.Int64)).amax([1L]) + 1;
        var (keyValueHeads, headDim) = CacheShape;
        return CachedDecoding.Prefill(Decoder.call, Head.call, embeds, valid, RotaryTables(positions), nextPositions,
            new KvCacheShape(Decoder.LayerCount, keyValueHeads, headDim, Setup.ComputeDtype), maxNewTokens);
    }

    /// <inheritdoc />
    public Tensor DecodeStep(Tensor nextTokens, KvCache cache)
    {
        CachedDecoding.CheckNextTokens(nextTokens, cache, VocabSize, IdHint);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var embeds = Decoder.Embed(nextTokens.unsqueeze(1));
        // A generated token is text: every rotary axis gets the same position.
        var rotary = RotaryTables(cache.NextPositions.view(1, -1, 1));
        return CachedDecoding.Decode(Decoder.call, Head.call, embeds, rotary, cache).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public IReadOnlyList<NamedParameter> TrainableParameters() =>
        named_parameters().Where(p => p.parameter.requires_grad).Select(p => new NamedParameter(p.name, p.parameter)).ToList();

    /// <inheritdoc />
    public ParameterTable DescribeParameters() => ParameterTable.Build(this, quantized);

    /// <inheritdoc />
    public void ReplaceChild(string name, nn.Module<Tensor, Tensor> replacement) =>
        ChildSlots.Replace(this, _internal_submodules, name, replacement);

    private const string IdHint = "Is the tokenizer the one of this model's snapshot?";

    /// <summary>Token embeddings with each image's projected features written over its placeholder run, in order.</summary>
    private Tensor EmbedWithImages(Tensor inputIds, Tensor? pixelValues, IReadOnlyList<ImageExtent>? sizes)
    {
        using var scope = NewDisposeScope();
        var embeds = Decoder.Embed(inputIds);
        var isImage = inputIds == ImageTokenId;
        var placeholders = isImage.sum().item<long>();
        var images = pixelValues?.shape[0] ?? 0;
        if (sizes is not null && pixelValues is not null)
        {
            CheckSizes(pixelValues, sizes);
        }
        var perImage = pixelValues is null || images == 0 ? [] : TokensPerImage(pixelValues, sizes);
        var expected = perImage.Sum(n => (long)n);
        if (placeholders != expected)
        {
            var each = perImage.Distinct().Count() <= 1
                ? $"{(perImage.Length == 0 ? 0 : perImage[0])} per image of this size"
                : $"{string.Join(" + ", perImage)} for the images' sizes";
            throw new ArgumentException(
                $"input_ids hold {placeholders} image placeholder tokens (id {ImageTokenId}) but {images} image(s) " +
                $"need {expected} ({each}). Each image must appear as exactly that many " +
                "consecutive placeholders, images in the order of pixel_values.",
                nameof(inputIds));
        }
        if (pixelValues is null || images == 0)
        {
            return embeds.MoveToOuterDisposeScope();
        }

        var features = ImageFeatures(pixelValues, sizes);
        var flat = features.reshape(-1, features.shape[^1]).to(embeds.dtype);
        var merged = embeds.masked_scatter(isImage.unsqueeze(-1).expand_as(embeds), flat);
        return merged.MoveToOuterDisposeScope();
    }

    private static void CheckSizes(Tensor pixelValues, IReadOnlyList<ImageExtent> sizes)
    {
        if (pixelValues.ndim != 4 || sizes.Count != pixelValues.shape[0])
        {
            throw new ArgumentException(
                $"{sizes.Count} image sizes for pixel_values [{string.Join(", ", pixelValues.shape)}]; give one size per image.", nameof(sizes));
        }
        for (int i = 0; i < sizes.Count; i++)
        {
            if (sizes[i].Height <= 0 || sizes[i].Width <= 0 || sizes[i].Height > pixelValues.shape[2] || sizes[i].Width > pixelValues.shape[3])
            {
                throw new ArgumentException(
                    $"Image {i} is {sizes[i].Width}x{sizes[i].Height} px, which does not fit its {pixelValues.shape[3]}x{pixelValues.shape[2]} slot of pixel_values.",
                    nameof(sizes));
            }
        }
    }
}
