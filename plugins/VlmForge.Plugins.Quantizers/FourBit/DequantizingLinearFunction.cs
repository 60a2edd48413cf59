using static TorchSharp.torch;

namespace VlmForge.Plugins.Quantizers.FourBit;

/// <summary>
/// <c>y = x Wᵀ</c> for a 4-bit weight W that is dequantized when needed and never kept: the backward pass dequantizes
/// it again for <c>∂L/∂x = ∂L/∂y · W</c> (W itself takes no gradient). Plain autograd would keep every layer's
/// dequantized 16/32-bit copy alive from the forward to the backward pass, which is the memory 4-bit storage saves.
/// This is what bitsandbytes' MatMul4Bit does.
/// </summary>
internal sealed class DequantizingLinearFunction : autograd.SingleTensorFunction<DequantizingLinearFunction>
{
    private const string DequantizeKey = "dequantize";

    public override string Name => nameof(DequantizingLinearFunction);

    /// <summary>Applies the function to <paramref name="input"/> with the weight <paramref name="dequantize"/> returns.</summary>
    public static Tensor Apply(Tensor input, Func<Tensor> dequantize) => apply(input, dequantize);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var input = (Tensor)vars[0];
        var dequantize = (Func<Tensor>)vars[1];
        ctx.save_data(DequantizeKey, dequantize);
        // Its own scope, so the dequantized weight and its temporaries are freed here, not when the caller's scope ends.
        using var scope = NewDisposeScope();
        return nn.functional.linear(input, dequantize()).MoveToOuterDisposeScope();
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        var dequantize = (Func<Tensor>)ctx.get_data(DequantizeKey);
        using var scope = NewDisposeScope();
        // One gradient per argument of Apply: the input's, and none for the delegate.
        return [grad_output.matmul(dequantize()).MoveToOuterDisposeScope(), null!];
    }
}
