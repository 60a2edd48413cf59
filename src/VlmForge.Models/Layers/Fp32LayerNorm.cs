using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VlmForge.Models.Layers;

/// <summary>LayerNorm with weight and bias over the last dimension, computed in float32 and returned in the input's dtype.</summary>
public sealed class Fp32LayerNorm : nn.Module<Tensor, Tensor>, IFreezable, IParameterOwner
{
    private Parameter weight;
    private Parameter bias;
    private readonly long[] normalizedShape;
    private readonly double eps;

    /// <summary>A norm of width <paramref name="hiddenSize"/>: weight ones, bias zeros.</summary>
    public Fp32LayerNorm(long hiddenSize, double eps, Device device, string name = "layer_norm") : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(eps);
        normalizedShape = [hiddenSize];
        this.eps = eps;
        weight = ParameterFactory.Filled([hiddenSize], 1, device);
        bias = ParameterFactory.Filled([hiddenSize], 0, device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var normalized = nn.functional.layer_norm(
            input.to(ScalarType.Float32), normalizedShape, weight.to(ScalarType.Float32), bias.to(ScalarType.Float32), eps);
        return normalized.to(input.dtype).MoveToOuterDisposeScope();
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
            _ => throw ParameterReplacement.Unknown(nameof(Fp32LayerNorm), name),
        };
        ParameterReplacement.CheckShape(nameof(Fp32LayerNorm), name, current, replacement);
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
