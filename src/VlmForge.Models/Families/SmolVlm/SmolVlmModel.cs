using TorchSharp;
using VlmForge.Models.Decoder;
using VlmForge.Models.Families.Common;
using VlmForge.Models.Layers;
using VlmForge.Models.Modeling;
using VlmForge.Models.Training;
using static TorchSharp.torch;

namespace VlmForge.Models.Families.SmolVlm;

/// <summary>
/// SmolVLM (<c>Idefics3ForConditionalGeneration</c>) with the checkpoint's key names: <c>model</c>
/// (<see cref="Idefics3Model"/>) and <c>lm_head</c>.
/// </summary>
/// <remarks>
/// Image splitting is simplified to a single global image: every image is resized to the encoder's square size (384 px
/// for SmolVLM-Instruct) and becomes (grid / scale_factor)² = 81 tokens, which is what the Idefics3 processor emits
/// for an unsplit image and what the SmolVLM chat template writes (&lt;fake_token_around_image&gt;&lt;global-img&gt;
/// then the &lt;image&gt; run). Large images lose the detail the processor's 384 px tiles would keep.
/// </remarks>
public sealed class SmolVlmModel : FamilyModel
{
    private readonly Idefics3Model model;
    private nn.Module<Tensor, Tensor> lm_head;
    private readonly Idefics3Config config;

    private SmolVlmModel(Idefics3Config config, ModelSetup setup, Device device, bool applySetup) : base("smolvlm", setup)
    {
        this.config = config;
        model = new Idefics3Model(config, setup.ComputeDtype, device);
        lm_head = config.TieWordEmbeddings
            ? new TiedLmHead(model.TextModel.EmbedTokens)
            : new CastingLinear(config.Text.HiddenSize, config.Text.VocabSize, hasBias: false, setup.ComputeDtype, device);
        RegisterComponents();

        if (applySetup)
        {
            ApplySetup();
            GradientCheckpointing = setup.GradientCheckpointing;
        }
    }

    /// <summary>Builds the model with fresh weights (seed with <c>torch.manual_seed</c> first) and prepares it for training.</summary>
    public static SmolVlmModel Create(Idefics3Config config, ModelSetup setup)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(setup);
        config.Validate();
        setup.Validate();
        return new SmolVlmModel(config, setup, setup.Device ?? CPU, applySetup: true);
    }

    /// <summary>The shapes only, unprepared, on <paramref name="device"/> (the meta device) for the loader to fill.</summary>
    internal static SmolVlmModel Skeleton(Idefics3Config config, ModelSetup setup, Device device) => new(config, setup, device, applySetup: false);

    /// <inheritdoc />
    public override IFamilyConfig Config => config;

    /// <summary>The typed config.</summary>
    public Idefics3Config Idefics3Config => config;

    /// <summary>The encoder's square input side (384 px for SmolVLM-Instruct).</summary>
    public override int ImageSize => config.Vision.ImageSize;

    /// <inheritdoc />
    public override int ImageTokenCount => config.ImageTokenCount;

    /// <inheritdoc />
    public override bool GradientCheckpointing
    {
        get => model.GradientCheckpointing;
        set => model.GradientCheckpointing = value;
    }

    /// <inheritdoc />
    protected override LanguageModel Decoder => model.TextModel;

    /// <inheritdoc />
    protected override nn.Module<Tensor, Tensor> Head => lm_head;

    /// <inheritdoc />
    protected override (int KeyValueHeads, int HeadDim) CacheShape => (config.Text.KeyValueHeads, config.Text.HeadDim);

    /// <inheritdoc />
    protected override int[] TokensPerImage(Tensor pixelValues, IReadOnlyList<ImageExtent>? sizes)
    {
        var size = config.Vision.ImageSize;
        if (pixelValues.ndim != 4 || pixelValues.shape[1] != 3 || pixelValues.shape[2] != size || pixelValues.shape[3] != size
            || (sizes is not null && sizes.Any(s => s.Height != size || s.Width != size)))
        {
            throw new ArgumentException(
                $"pixel_values must be [N, 3, {size}, {size}] (images at the encoder's size), got [{string.Join(", ", pixelValues.shape)}]" +
                (sizes is null ? "." : $" with images of {string.Join(", ", sizes.Select(s => $"{s.Width}x{s.Height}"))} px."),
                nameof(pixelValues));
        }
        return Enumerable.Repeat(config.ImageTokenCount, (int)pixelValues.shape[0]).ToArray();
    }

    /// <inheritdoc />
    protected override Tensor ImageFeatures(Tensor pixelValues, IReadOnlyList<ImageExtent>? sizes) => model.call(pixelValues);

    /// <inheritdoc />
    protected override Tensor Positions(Tensor inputIds, Tensor valid, Tensor? pixelValues, IReadOnlyList<ImageExtent>? sizes) =>
        CausalLanguageModeling.PositionsFrom(valid).unsqueeze(0);

    /// <inheritdoc />
    protected override (Tensor Cos, Tensor Sin) RotaryTables(Tensor positions) =>
        RotaryEmbedding.Tables(positions[0], config.Text.HeadDim, config.Text.RopeTheta, Setup.ComputeDtype);

    /// <inheritdoc />
    protected internal override bool IsQuantizable(string path) =>
        path.StartsWith("model.text_model.", StringComparison.Ordinal) || path.StartsWith("model.vision_model.", StringComparison.Ordinal);
}
