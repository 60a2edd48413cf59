using TorchSharp;
using VlmForge.Models.Decoder;
using VlmForge.Models.Families.Common;
using VlmForge.Models.Layers;
using VlmForge.Models.Modeling;
using VlmForge.Models.Training;
using static TorchSharp.torch;

namespace VlmForge.Models.Families.Qwen25Vl;

/// <summary>
/// Qwen2.5-VL (<c>Qwen2_5_VLForConditionalGeneration</c>) with the released checkpoints' key names: <c>model</c> (the
/// Qwen2 decoder: q/k/v biases, grouped-query attention, M-RoPE), <c>visual</c> (the vision tower) and <c>lm_head</c>
/// (the token table itself when <c>tie_word_embeddings</c>, as in the 3B).
/// </summary>
/// <remarks>
/// Images: pixel_values [N, 3, H, W] normalized with the CLIP statistics, H and W multiples of 28; images of different
/// sizes come padded to the largest with their own sizes in <see cref="VlmInputs.ImageSizes"/> (each sized on its own, as
/// the reference processor does). Each image is H/28 · W/28 placeholder tokens between
/// &lt;|vision_start|&gt; and &lt;|vision_end|&gt;. <see cref="ImageSize"/> is the square side the data pipeline
/// should resize to when it needs one fixed size (a run encodes every example with one image token count).
/// </remarks>
public sealed class Qwen25VlModel : FamilyModel
{
    private readonly LanguageModel model;
    private readonly Qwen25VlVisionTower visual;
    private nn.Module<Tensor, Tensor> lm_head;
    private readonly Qwen25VlConfig config;
    private readonly int imageSize;

    private Qwen25VlModel(Qwen25VlConfig config, ModelSetup setup, FamilyModelOptions options, Device device, bool applySetup)
        : base("qwen2_5_vl", setup)
    {
        this.config = config;
        var dtype = setup.ComputeDtype;
        var text = config.Text;
        imageSize = options.ImageSize ?? 16 * config.Vision.Factor;
        if (imageSize <= 0 || imageSize % config.Vision.Factor != 0)
        {
            throw new ArgumentException(
                $"The Qwen2.5-VL image size {imageSize} must be a positive multiple of {config.Vision.Factor} (patch x merge).", nameof(options));
        }
        model = new LanguageModel(
            text.VocabSize, text.HiddenSize, text.Layers, text.Heads, text.KeyValueHeads, text.IntermediateSize, text.RmsNormEps,
            dtype, device, attentionBias: true);
        visual = new Qwen25VlVisionTower(config.Vision, dtype, device);
        lm_head = config.TieWordEmbeddings
            ? new TiedLmHead(model.EmbedTokens)
            : new CastingLinear(text.HiddenSize, text.VocabSize, hasBias: false, dtype, device);
        RegisterComponents();

        if (applySetup)
        {
            ApplySetup();
            GradientCheckpointing = setup.GradientCheckpointing;
        }
    }

    /// <summary>Builds the model with fresh weights (seed with <c>torch.manual_seed</c> first) and prepares it for training.</summary>
    public static Qwen25VlModel Create(Qwen25VlConfig config, ModelSetup setup, FamilyModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(setup);
        config.Validate();
        setup.Validate();
        return new Qwen25VlModel(config, setup, options ?? new FamilyModelOptions(), setup.Device ?? CPU, applySetup: true);
    }

    /// <summary>The shapes only, unprepared, on <paramref name="device"/> (the meta device) for the loader to fill.</summary>
    internal static Qwen25VlModel Skeleton(Qwen25VlConfig config, ModelSetup setup, FamilyModelOptions options, Device device) =>
        new(config, setup, options, device, applySetup: false);

    /// <inheritdoc />
    public override IFamilyConfig Config => config;

    /// <summary>The typed config.</summary>
    public Qwen25VlConfig Qwen25VlConfig => config;

    /// <summary>Side of the square images a run resizes to when it needs one size (default 448 px: 16 x 16 tokens).</summary>
    public override int ImageSize => imageSize;

    /// <inheritdoc />
    public override int ImageTokenCount => ImageTokenCountFor(imageSize, imageSize);

    /// <inheritdoc />
    public override bool GradientCheckpointing
    {
        get => model.GradientCheckpointing;
        set
        {
            model.GradientCheckpointing = value;
            visual.GradientCheckpointing = value;
        }
    }

    /// <inheritdoc />
    protected override LanguageModel Decoder => model;

    /// <inheritdoc />
    protected override nn.Module<Tensor, Tensor> Head => lm_head;

    /// <inheritdoc />
    protected override (int KeyValueHeads, int HeadDim) CacheShape => (config.Text.KeyValueHeads, config.Text.HeadDim);

    /// <summary>Placeholder tokens of an image of <paramref name="height"/> x <paramref name="width"/> pixels (multiples of 28).</summary>
    public int ImageTokenCountFor(int height, int width)
    {
        var factor = config.Vision.Factor;
        if (height <= 0 || width <= 0 || height % factor != 0 || width % factor != 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(height), $"{height} x {width}", $"Qwen2.5-VL image sides must be positive multiples of {factor}; smart-resize the image first.");
        }
        return height / factor * (width / factor);
    }

    /// <inheritdoc />
    protected override int[] TokensPerImage(Tensor pixelValues, IReadOnlyList<ImageExtent>? sizes)
    {
        if (pixelValues.ndim != 4 || pixelValues.shape[1] != config.Vision.InChannels)
        {
            throw new ArgumentException(
                $"pixel_values must be [N, {config.Vision.InChannels}, H, W], got [{string.Join(", ", pixelValues.shape)}].", nameof(pixelValues));
        }
        return Extents(pixelValues, sizes).Select(s => ImageTokenCountFor((int)s.Height, (int)s.Width)).ToArray();
    }

    /// <inheritdoc />
    protected override Tensor ImageFeatures(Tensor pixelValues, IReadOnlyList<ImageExtent>? sizes) =>
        OneSize(pixelValues, sizes) ? visual.call(pixelValues) : visual.Forward(pixelValues, Extents(pixelValues, sizes));

    /// <inheritdoc />
    protected override Tensor Positions(Tensor inputIds, Tensor valid, Tensor? pixelValues, IReadOnlyList<ImageExtent>? sizes)
    {
        var factor = config.Vision.Factor;
        if (pixelValues is null)
        {
            return MultimodalRotary.Positions(inputIds, valid, config.ImageTokenId, 1, 1);
        }
        var grids = Extents(pixelValues, sizes).Select(s => (s.Height / factor, s.Width / factor)).ToList();
        return MultimodalRotary.Positions(inputIds, valid, config.ImageTokenId, grids);
    }

    /// <summary>Every image fills its slot (one size): the tower runs them as a batch.</summary>
    private static bool OneSize(Tensor pixelValues, IReadOnlyList<ImageExtent>? sizes) =>
        sizes is null || sizes.All(s => s.Height == pixelValues.shape[2] && s.Width == pixelValues.shape[3]);

    private static IReadOnlyList<(long Height, long Width)> Extents(Tensor pixelValues, IReadOnlyList<ImageExtent>? sizes) =>
        sizes is null
            ? Enumerable.Repeat((pixelValues.shape[2], pixelValues.shape[3]), (int)pixelValues.shape[0]).ToList()
            : sizes.Select(s => ((long)s.Height, (long)s.Width)).ToList();

    /// <inheritdoc />
    protected override (Tensor Cos, Tensor Sin) RotaryTables(Tensor positions) =>
        MultimodalRotary.Tables(positions, config.Text.MropeSection, config.Text.HeadDim, config.Text.RopeTheta, Setup.ComputeDtype);

    /// <inheritdoc />
    protected internal override bool IsQuantizable(string path) =>
        path.StartsWith("model.", StringComparison.Ordinal) || path.StartsWith("visual.blocks.", StringComparison.Ordinal);
}
