using TorchSharp;
using VlmForge.Models.Layers;
using VlmForge.Models.Tests.Support;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Layers;

public class MixedPrecisionLayerTests
{
    [Fact]
    public void A_bf16_linear_multiplies_in_bf16_and_sends_float32_gradients_to_its_master_weight()
    {
        manual_seed(1);
        using var linear = new CastingLinear(8, 4, hasBias: true, ScalarType.BFloat16, CPU);
        using var scope = NewDisposeScope();
        var x = randn(3, 8);

        var y = linear.call(x);
        y.to(ScalarType.Float32).sum().backward();

        Assert.Equal(ScalarType.BFloat16, y.dtype);
        Assert.Equal(ScalarType.Float32, linear.Weight.dtype);
        Assert.Equal(ScalarType.Float32, linear.Weight.grad!.dtype);
        // The bf16 product equals the float32 product of the bf16-rounded operands, rounded to bf16.
        var expected = nn.functional.linear(
            x.to(ScalarType.BFloat16).to(ScalarType.Float32), linear.Weight.detach().to(ScalarType.BFloat16).to(ScalarType.Float32),
            linear.Bias!.detach().to(ScalarType.BFloat16).to(ScalarType.Float32));
        TensorAssert.Close(expected, y, atol: 0.02, rtol: 0.01);
    }

    [Fact]
    public void Freezing_stores_the_weight_in_the_compute_dtype_without_gradient()
    {
        manual_seed(2);
        using var linear = new CastingLinear(8, 4, hasBias: false, ScalarType.BFloat16, CPU);
        var original = linear.Weight.detach().clone();

        linear.Freeze(ScalarType.BFloat16);

        Assert.Equal(ScalarType.BFloat16, linear.Weight.dtype);
        Assert.False(linear.Weight.requires_grad);
        Assert.Same(linear.Weight, linear.named_parameters().Single().parameter);
        TensorAssert.Close(original, linear.Weight, atol: 0.01, rtol: 0.01);
    }

    [Fact]
    public void RmsNorm_computes_in_float32_and_returns_the_input_dtype()
    {
        using var norm = new RmsNorm(4, 1e-6, CPU);
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { 1, 2, 3, 4 }).to(ScalarType.BFloat16);

        var y = norm.call(x);

        // rms = sqrt((1 + 4 + 9 + 16) / 4) = sqrt(7.5)
        var rms = Math.Sqrt(7.5);
        Assert.Equal(ScalarType.BFloat16, y.dtype);
        TensorAssert.Close(tensor(new[] { 1 / rms, 2 / rms, 3 / rms, 4 / rms }), y, atol: 0.01);
    }
}
