using static TorchSharp.torch;

namespace VlmForge.Plugins.Quantizers.FourBit;

/// <summary>
/// A frozen linear layer (<c>y = x Wᵀ + b</c>) whose weight is stored 4-bit, like bitsandbytes' Linear4bit: the
/// buffers are <c>weight</c> (packed codes), <c>absmax</c>, <c>quant_map</c> (and <c>nested_absmax</c>,
/// <c>nested_quant_map</c> with double quantization) and <c>bias</c>. Each forward pass dequantizes the weight in
/// float32 (as the kernels do), converts it to the compute dtype and multiplies; nothing is trainable.
/// </summary>
internal sealed class FourBitLinear : nn.Module<Tensor, Tensor>
{
    private readonly FourBitFormat _format;
    private readonly long[] _shape;
    private readonly ScalarType _originalDtype;
    private readonly int _blockSize;
    private readonly NestedState? _nested;
    private readonly ScalarType _computeDtype;
    private readonly bool _hasBias;

    public FourBitLinear(FourBitWeight stored, Tensor? bias, ScalarType computeDtype) : base(nameof(FourBitLinear))
    {
        _format = stored.Format;
        _shape = stored.Shape;
        _originalDtype = stored.OriginalDtype;
        _blockSize = stored.BlockSize;
        _nested = stored.Nested;
        _computeDtype = computeDtype;

        // The module owns its buffers: detached from any dispose scope the caller builds it in (the model's training
        // setup quantizes each layer inside one), or they would be disposed when that scope ends.
        register_buffer("weight", stored.Weight.DetachFromDisposeScope());
        register_buffer("absmax", stored.Absmax.DetachFromDisposeScope());
        register_buffer("quant_map", stored.QuantMap.DetachFromDisposeScope());
        if (stored.NestedAbsmax is not null)
        {
            register_buffer("nested_absmax", stored.NestedAbsmax.DetachFromDisposeScope());
            register_buffer("nested_quant_map", stored.NestedQuantMap!.DetachFromDisposeScope());
        }
        _hasBias = bias is not null;
        if (bias is not null)
            register_buffer("bias", bias.detach().to(computeDtype, copy: true).DetachFromDisposeScope());
    }

    public long InFeatures => _shape[1];

    public long OutFeatures => _shape[0];

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.to(_computeDtype);
        // Under autograd the weight is dequantized again in the backward pass instead of being kept (see the function).
        if (!x.requires_grad || !is_grad_enabled())
            return nn.functional.linear(x, Dequantize(), _hasBias ? Buffer("bias") : null).MoveToOuterDisposeScope();
        var output = DequantizingLinearFunction.Apply(x, Dequantize);
        return (_hasBias ? output + Buffer("bias") : output).MoveToOuterDisposeScope();
    }

    /// <summary>The weight in the compute dtype, freshly dequantized from the 4-bit buffers.</summary>
    private Tensor Dequantize()
    {
        var stored = new FourBitWeight(_format, _shape, _originalDtype, _blockSize, Buffer("weight"), Buffer("absmax"),
            Buffer("quant_map"), _nested is null ? null : Buffer("nested_absmax"), _nested is null ? null : Buffer("nested_quant_map"), _nested);
        return stored.Dequantize(_computeDtype);
    }

    private Tensor Buffer(string name) =>
        get_buffer(name) ?? throw new InvalidOperationException($"The 4-bit linear layer lost its '{name}' buffer; it must not be removed from the module.");
}
