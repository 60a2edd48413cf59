using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VlmForge.Models.Layers;

/// <summary>
/// <c>y = x Wᵀ + b</c> computed in the compute dtype. Trainable weights stay float32 (master weights) and are cast on
/// the way in, so bf16 really runs the matmul in bf16; frozen weights are stored in the compute dtype already.
/// </summary>
public sealed class CastingLinear : nn.Module<Tensor, Tensor>, IFreezable, IParameterOwner
{
    private Parameter weight;
    private Parameter? bias;

    /// <summary>A linear layer with weights drawn from N(0, 0.02²) and a zero bias.</summary>
    public CastingLinear(long inFeatures, long outFeatures, bool hasBias, ScalarType computeDtype, Device device, string name = "linear")
        : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outFeatures, 1);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        ComputeDtype = computeDtype;
        weight = ParameterFactory.Normal([outFeatures, inFeatures], device);
        bias = hasBias ? ParameterFactory.Filled([outFeatures], 0, device) : null;
        RegisterComponents();
    }

    /// <summary>Input width.</summary>
    public long InFeatures { get; }

    /// <summary>Output width.</summary>
    public long OutFeatures { get; }

    /// <summary>The dtype the matmul runs in.</summary>
    public ScalarType ComputeDtype { get; }

    /// <summary>The weight, shape [out, in].</summary>
    public Parameter Weight => weight;

    /// <summary>The bias, shape [out], or null.</summary>
    public Parameter? Bias => bias;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.to(ComputeDtype);
        var result = nn.functional.linear(x, weight.to(ComputeDtype), bias?.to(ComputeDtype));
        return result.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Freeze(ScalarType storageDtype)
    {
        weight = Swap("weight", weight, storageDtype);
        if (bias is not null)
        {
            bias = Swap("bias", bias, storageDtype);
        }
    }

    /// <inheritdoc />
    public void ReplaceParameter(string name, Parameter replacement)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        Parameter current = name switch
        {
            "weight" => weight,
            "bias" when bias is not null => bias,
            _ => throw ParameterReplacement.Unknown(nameof(CastingLinear), name),
        };
        ParameterReplacement.CheckShape(nameof(CastingLinear), name, current, replacement);
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

    /// <summary>Adds <paramref name="delta"/> (shape [out, in]) to the weight in place, in float32, then rounds to the stored dtype.</summary>
    internal void AddToWeight(Tensor delta)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var updated = weight.to(ScalarType.Float32) + delta.to(ScalarType.Float32);
        weight.copy_(updated.to(weight.dtype));
    }

    /// <summary>Re-initializes the weight in place (LoRA's kaiming-uniform A and zero B).</summary>
    internal void InitializeWeight(Action<Tensor> initialize)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        initialize(weight);
    }

    private Parameter Swap(string name, Parameter current, ScalarType dtype)
    {
        var frozen = ParameterFactory.FrozenCopy(current, dtype);
        ConditionallyRegisterParameter(name, frozen);
        current.Dispose();
        return frozen;
    }
}
