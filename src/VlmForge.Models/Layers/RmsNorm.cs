using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VlmForge.Models.Layers;

/// <summary>Root-mean-square norm (Llama): <c>x / sqrt(mean(x²) + eps) · weight</c>, computed in float32.</summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>, IFreezable, IParameterOwner
{
    private Parameter weight;
    private readonly double eps;

    /// <summary>A norm over the last dimension of width <paramref name="hiddenSize"/>, weight initialised to ones.</summary>
    public RmsNorm(long hiddenSize, double eps, Device device, string name = "rms_norm") : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(eps);
        this.eps = eps;
        weight = ParameterFactory.Filled([hiddenSize], 1, device);
        RegisterComponents();
    }

    /// <summary>The scale, shape [hidden].</summary>
    public Parameter Weight => weight;

    /// <summary>Normalizes in float32 and returns the input's dtype.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.to(ScalarType.Float32);
        var variance = x.pow(2).mean([-1L], keepdim: true);
        var normalized = x * rsqrt(variance + eps) * weight.to(ScalarType.Float32);
        return normalized.to(input.dtype).MoveToOuterDisposeScope();
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
            throw ParameterReplacement.Unknown(nameof(RmsNorm), name);
        }
        ParameterReplacement.CheckShape(nameof(RmsNorm), name, weight, replacement);
        ConditionallyRegisterParameter(name, replacement);
        weight.Dispose();
        weight = replacement;
    }
}
