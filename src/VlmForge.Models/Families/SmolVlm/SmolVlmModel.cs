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
/// Every frame the encoder sees is its square size (384 px for SmolVLM-Instruct) and becomes (grid / scale_factor)² = 81
/// tokens. An image is one such frame, or, split as the Idefics3 processor splits it, its tiles and a global view stacked
/// into a strip (see <see cref="TokensPerImage"/>); the prompt carries a placeholder run per frame in the same order.
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
    /// <remarks>
    /// An image is one frame at the encoder's size S, or a split image's frames stacked into a strip S wide and k·S high
    /// (its tiles, then the global view, as the image processor orders them); each frame gives <see cref="ImageTokenCount"/>
    /// tokens.
    /// </remarks>
    protected override int[] TokensPerImage(Tensor pixelValues, IReadOnlyList<ImageExtent>? sizes) =>
        Frames(pixelValues, sizes).Select(frames => frames * config.ImageTokenCount).ToArray();

    /// <inheritdoc />
    /// <remarks>Every frame of every image goes through the encoder as one batch, in order; padding below a shorter strip is skipped.</remarks>
    protected override Tensor ImageFeatures(Tensor pixelValues, IReadOnlyList<ImageExtent>? sizes)
    {
        var frames = Frames(pixelValues, sizes);
        int side = config.Vision.ImageSize;
        if (frames.All(f => f == 1) && pixelValues.shape[2] == side)
        {
            return model.call(pixelValues);
        }
        using var scope = NewDisposeScope();
        // [3, k·S, S] -> [k, 3, S, S] per image: frame j is rows j·S..(j+1)·S of the strip.
        var stacked = cat(frames.Select((count, i) => pixelValues[i, .., ..(count * side), ..]
            .reshape(3, count, side, side).transpose(0, 1)).ToArray(), 0);
        return model.call(stacked).MoveToOuterDisposeScope();
    }

    /// <summary>Frames of each image (1 for an unsplit image); throws for pixels that are not strips of encoder-size frames.</summary>
    private int[] Frames(Tensor pixelValues, IReadOnlyList<ImageExtent>? sizes)
    {
        int side = config.Vision.ImageSize;
        bool strips = pixelValues.ndim == 4 && pixelValues.shape[1] == 3 && pixelValues.shape[3] == side && pixelValues.shape[2] % side == 0
                      && (sizes is null || sizes.All(s => s.Width == side && s.Height % side == 0));
        if (!strips)
        {
            throw new ArgumentException(
                $"pixel_values must be [N, 3, {side}, {side}] (images at the encoder's size), or [N, 3, k x {side}, {side}] for images " +
                $"split into k - 1 tiles and a global view, got [{string.Join(", ", pixelValues.shape)}]" +
                (sizes is null ? "." : $" with images of {string.Join(", ", sizes.Select(s => $"{s.Width}x{s.Height}"))} px."),
                nameof(pixelValues));
        }
        return sizes is null
            ? Enumerable.Repeat((int)(pixelValues.shape[2] / side), (int)pixelValues.shape[0]).ToArray()
            : sizes.Select(s => s.Height / side).ToArray();
    }

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
