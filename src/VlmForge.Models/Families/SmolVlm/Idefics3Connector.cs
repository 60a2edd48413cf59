using TorchSharp;
using VlmForge.Models.Layers;
using static TorchSharp.torch;

namespace VlmForge.Models.Families.SmolVlm;

/// <summary>
/// <c>connector</c>: pixel shuffle (each scale x scale block of neighbouring patches becomes one token of scale² times
/// the width, cutting the 27 x 27 SigLIP grid of a 384 px image to 9 x 9 = 81 tokens at scale 3), then
/// <c>modality_projection.proj</c>, a linear map without bias to the decoder's width.
/// </summary>
public sealed class Idefics3Connector : nn.Module<Tensor, Tensor>
{
    private readonly Idefics3SimpleMlp modality_projection;
    private readonly int scaleFactor;

    /// <summary>A connector from <paramref name="visionWidth"/> to <paramref name="textWidth"/>.</summary>
    public Idefics3Connector(long visionWidth, long textWidth, int scaleFactor, ScalarType computeDtype, Device device) : base("connector")
    {
        this.scaleFactor = scaleFactor;
        modality_projection = new Idefics3SimpleMlp(visionWidth * scaleFactor * scaleFactor, textWidth, computeDtype, device);
        RegisterComponents();
    }

    /// <summary>Maps encoder features [N, grid², width] to [N, (grid/scale)², text width].</summary>
    public override Tensor forward(Tensor features)
    {
        using var scope = NewDisposeScope();
        return modality_projection.call(PixelShuffle(features, scaleFactor)).MoveToOuterDisposeScope();
    }

    /// <summary>Idefics3's pixel shuffle, step for step: [N, seq, d] to [N, seq / s², d·s²].</summary>
    public static Tensor PixelShuffle(Tensor x, int scale)
    {
        ArgumentNullException.ThrowIfNull(x);
        var (n, seq, width) = (x.shape[0], x.shape[1], x.shape[2]);
        var side = (long)Math.Round(Math.Sqrt(seq));
        if (side * side != seq || side % scale != 0)
        {
            throw new ArgumentException($"Pixel shuffle needs a square grid divisible by {scale}; got {seq} patches.", nameof(x));
        }
        using var scope = NewDisposeScope();
        var shuffled = x.view(n, side, side, width)
            .view(n, side, side / scale, width * scale)
            .permute(0, 2, 1, 3)
            .reshape(n, side / scale, side / scale, width * scale * scale)
            .permute(0, 2, 1, 3)
            .reshape(n, seq / (scale * scale), width * scale * scale);
        return shuffled.MoveToOuterDisposeScope();
    }
}

/// <summary><c>modality_projection</c>: holds <c>proj</c>, Linear(vision width · scale², text width, bias=False).</summary>
public sealed class Idefics3SimpleMlp : nn.Module<Tensor, Tensor>, IChildHost
{
    private nn.Module<Tensor, Tensor> proj;

    /// <summary>The projection.</summary>
    public Idefics3SimpleMlp(long inWidth, long outWidth, ScalarType computeDtype, Device device) : base("modality_projection")
    {
        proj = new CastingLinear(inWidth, outWidth, hasBias: false, computeDtype, device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => proj.call(input);

    /// <inheritdoc />
    public void ReplaceChild(string name, nn.Module<Tensor, Tensor> replacement) =>
        ChildSlots.Replace(this, _internal_submodules, name, replacement);
}
