using TorchSharp;
using TorchSharp.Modules;
using VlmForge.Models.Checkpointing;
using VlmForge.Models.Layers;
using static TorchSharp.torch;

namespace VlmForge.Models.Vision;

/// <summary>The ViT encoder stack (<c>encoder.layers.N</c>), so keys read like SigLIP's.</summary>
public sealed class VisionEncoder : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<VisionEncoderLayer> layers;

    /// <summary>A stack of <paramref name="layerCount"/> pre-norm blocks.</summary>
    public VisionEncoder(
        int layerCount, long width, long heads, long intermediate, double eps, ScalarType computeDtype, Device device, bool tanhGelu = false)
        : base("encoder")
    {
        layers = new ModuleList<VisionEncoderLayer>(
            Enumerable.Range(0, layerCount)
                .Select(_ => new VisionEncoderLayer(width, heads, intermediate, eps, computeDtype, device, tanhGelu))
                .ToArray());
        RegisterComponents();
    }

    /// <summary>Recompute each block's activations in backward instead of keeping them.</summary>
    public bool GradientCheckpointing { get; set; }

    /// <inheritdoc />
    public override Tensor forward(Tensor hidden) =>
        CheckpointedStack.Run(layers, hidden, [], GradientCheckpointing, (layer, x, _) => layer.call(x));
}

/// <summary>The vision tower: patch + position embeddings, a ViT encoder, a final LayerNorm.</summary>
public sealed class VisionTower : nn.Module<Tensor, Tensor>
{
    private readonly VisionEmbeddings embeddings;
    private readonly VisionEncoder encoder;
    private readonly Fp32LayerNorm post_layernorm;

    /// <summary>A tower for square images of <paramref name="imageSize"/> pixels (<paramref name="tanhGelu"/>: SigLIP's tanh-approximated GELU).</summary>
    public VisionTower(
        int imageSize, int patchSize, long width, int layerCount, long heads, long intermediate, double eps,
        ScalarType computeDtype, Device device, bool tanhGelu = false, VisionStem stem = VisionStem.Linear, bool sinCosPositions = false)
        : base("vision_tower")
    {
        var grid = imageSize / patchSize;
        ImageSize = imageSize;
        embeddings = new VisionEmbeddings(width, patchSize, (long)grid * grid, computeDtype, device, stem, sinCosPositions);
        encoder = new VisionEncoder(layerCount, width, heads, intermediate, eps, computeDtype, device, tanhGelu);
        post_layernorm = new Fp32LayerNorm(width, eps, device);
        RegisterComponents();
    }

    /// <summary>Side of the images this tower accepts.</summary>
    public int ImageSize { get; }

    /// <summary>Recompute each block's activations in backward instead of keeping them.</summary>
    public bool GradientCheckpointing
    {
        get => encoder.GradientCheckpointing;
        set => encoder.GradientCheckpointing = value;
    }

    /// <summary>Maps pixels [N, 3, H, W] (float32, normalized) to patch features [N, patches, width].</summary>
    public override Tensor forward(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        var features = post_layernorm.call(encoder.call(embeddings.call(pixels)));
        return features.MoveToOuterDisposeScope();
    }
}
