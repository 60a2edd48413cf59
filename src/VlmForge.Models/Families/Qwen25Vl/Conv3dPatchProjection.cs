using TorchSharp;
using TorchSharp.Modules;
using VlmForge.Models.Layers;
using static TorchSharp.torch;

namespace VlmForge.Models.Families.Qwen25Vl;

/// <summary>
/// Qwen2.5-VL's <c>patch_embed.proj</c>: a Conv3d with kernel = stride = (temporal_patch, patch, patch) and no bias,
/// weight [width, channels, temporal, patch, patch]. Its input is already cut into flattened patches, and a convolution
/// whose stride equals its kernel touches each patch exactly once, so it is one matmul with the flattened kernel.
/// </summary>
public sealed class Conv3dPatchProjection : nn.Module<Tensor, Tensor>, IFreezable, IParameterOwner
{
    private Parameter weight;
    private readonly ScalarType computeDtype;

    /// <summary>A projection of channels x temporal x patch x patch values to <paramref name="width"/>.</summary>
    public Conv3dPatchProjection(long channels, long temporalPatch, long patch, long width, ScalarType computeDtype, Device device)
        : base("proj")
    {
        this.computeDtype = computeDtype;
        weight = ParameterFactory.Normal([width, channels, temporalPatch, patch, patch], device);
        RegisterComponents();
    }

    /// <summary>Maps flattened patches [..., channels·temporal·patch·patch] (channel-major, like the processor writes them) to [..., width].</summary>
    public override Tensor forward(Tensor patches)
    {
        using var scope = NewDisposeScope();
        var kernel = weight.to(computeDtype).reshape(weight.shape[0], -1);
        return nn.functional.linear(patches.to(computeDtype), kernel).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Freeze(ScalarType storageDtype)
    {
        var frozen = ParameterFactory.FrozenCopy(weight, storageDtype);
        ConditionallyRegisterParameter("weight", frozen);
        weight.Dispose();
        weight = frozen;
    }

    /// <inheritdoc />
    public void ReplaceParameter(string name, Parameter replacement)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        if (name != "weight")
        {
            throw ParameterReplacement.Unknown(nameof(Conv3dPatchProjection), name);
        }
        ParameterReplacement.CheckShape(nameof(Conv3dPatchProjection), name, weight, replacement);
        ConditionallyRegisterParameter(name, replacement);
        weight.Dispose();
        weight = replacement;
    }
}

/// <summary>Qwen2.5-VL's <c>patch_embed</c>: holds <c>proj</c>.</summary>
public sealed class Qwen25VlPatchEmbed : nn.Module<Tensor, Tensor>
{
    private readonly Conv3dPatchProjection proj;

    /// <summary>The patch embedding of <paramref name="config"/>.</summary>
    public Qwen25VlPatchEmbed(Qwen25VlVisionConfig config, ScalarType computeDtype, Device device) : base("patch_embed")
    {
        ArgumentNullException.ThrowIfNull(config);
        proj = new Conv3dPatchProjection(config.InChannels, config.TemporalPatchSize, config.PatchSize, config.HiddenSize, computeDtype, device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor patches) => proj.call(patches);
}
