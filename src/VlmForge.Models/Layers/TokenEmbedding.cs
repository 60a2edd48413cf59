using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VlmForge.Models.Layers;

/// <summary>
/// A lookup table of token vectors. The lookup happens in the stored dtype and only the gathered rows are cast to the
/// compute dtype, which is far cheaper than casting the whole table each step.
/// </summary>
public sealed class TokenEmbedding : nn.Module<Tensor, Tensor>, IFreezable, IParameterOwner
{
    private Parameter weight;

    /// <summary>A table of <paramref name="count"/> vectors of width <paramref name="width"/>, drawn from N(0, 0.02²).</summary>
    public TokenEmbedding(long count, long width, ScalarType computeDtype, Device device, string name = "embedding") : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        Count = count;
        ComputeDtype = computeDtype;
        weight = ParameterFactory.Normal([count, width], device);
        RegisterComponents();
    }

    /// <summary>Number of rows.</summary>
    public long Count { get; }

    /// <summary>The dtype of returned vectors.</summary>
    public ScalarType ComputeDtype { get; }

    /// <summary>The table, shape [count, width].</summary>
    public Parameter Weight => weight;

    /// <summary>Looks up int64 ids of any shape; returns [..., width] in the compute dtype.</summary>
    public override Tensor forward(Tensor ids)
    {
        using var scope = NewDisposeScope();
        long[] shape = [.. ids.shape, weight.shape[1]];
        var rows = weight.index_select(0, ids.reshape(-1)).reshape(shape);
        return rows.to(ComputeDtype).MoveToOuterDisposeScope();
    }

    /// <summary>The whole table in the compute dtype (learned position embeddings add all rows at once).</summary>
    public Tensor AllRows() => weight.to(ComputeDtype);

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
            throw ParameterReplacement.Unknown(nameof(TokenEmbedding), name);
        }
        ParameterReplacement.CheckShape(nameof(TokenEmbedding), name, weight, replacement);
        ConditionallyRegisterParameter(name, replacement);
        weight.Dispose();
        weight = replacement;
    }
}
