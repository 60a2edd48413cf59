using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VlmForge.Models.Layers;

/// <summary>
/// Cuts an image into non-overlapping square patches and projects each to a vector: a convolution whose kernel and
/// stride are the patch size (HF <c>patch_embedding</c>: weight [width, channels, patch, patch], bias [width]).
/// </summary>
public sealed class PatchEmbedding : nn.Module<Tensor, Tensor>, IFreezable, IParameterOwner
{
    private Parameter weight;
    private Parameter bias;
    private readonly long patchSize;
    private readonly ScalarType computeDtype;

    /// <summary>A patch projection from <paramref name="channels"/> to <paramref name="width"/>.</summary>
    /// <param name="initStd">Standard deviation of the initial weights (0.02 by default, as Hugging Face initializes).</param>
    public PatchEmbedding(long channels, long width, long patchSize, ScalarType computeDtype, Device device, string name = "patch_embedding",
        double initStd = ParameterFactory.InitializerStd)
        : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(patchSize, 1);
        this.patchSize = patchSize;
        this.computeDtype = computeDtype;
        weight = ParameterFactory.Normal([width, channels, patchSize, patchSize], device, initStd);
        bias = ParameterFactory.Filled([width], 0, device);
        RegisterComponents();
    }

    /// <summary>Maps pixels [N, C, H, W] to patch vectors [N, (H/p)·(W/p), width] in the compute dtype, row-major over the grid.</summary>
    public override Tensor forward(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        return Grid(pixels).flatten(2).transpose(1, 2).MoveToOuterDisposeScope();
    }

    /// <summary>The projection as a feature map [N, width, H/p, W/p] in the compute dtype (for stacking patch layers).</summary>
    public Tensor Grid(Tensor pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        return nn.functional.conv2d(
            pixels.to(computeDtype), weight.to(computeDtype), bias.to(computeDtype),
            strides: [patchSize, patchSize]);
    }

    /// <inheritdoc />
    public void Freeze(ScalarType storageDtype)
    {
        var frozenWeight = ParameterFactory.FrozenCopy(weight, storageDtype);
        var frozenBias = ParameterFactory.FrozenCopy(bias, storageDtype);
        ConditionallyRegisterParameter("weight", frozenWeight);
        ConditionallyRegisterParameter("bias", frozenBias);
        weight.Dispose();
        bias.Dispose();
        weight = frozenWeight;
        bias = frozenBias;
    }

    /// <inheritdoc />
    public void ReplaceParameter(string name, Parameter replacement)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        Parameter current = name switch
        {
            "weight" => weight,
            "bias" => bias,
            _ => throw ParameterReplacement.Unknown(nameof(PatchEmbedding), name),
        };
        ParameterReplacement.CheckShape(nameof(PatchEmbedding), name, current, replacement);
        ConditionallyRegisterParameter(name, replacement);
        current.Dispose();
        if (name == "weight")
        {
            weight = replacement;
        }
        else
        {
            bias = replacement;
        }
    }
}
