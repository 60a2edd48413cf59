using VlmForge.Abstractions.Quantization;
using VlmForge.Plugins.Tests.Support;
using static TorchSharp.torch;

namespace VlmForge.Plugins.Tests.Quantizers;

/// <summary><c>none</c> keeps frozen weights as they are, in the compute dtype.</summary>
[Collection(BuiltInPluginsCollection.Name)]
public class NoneQuantizerTests(BuiltInPlugins builtIns)
{
    [Fact]
    public void The_frozen_linear_layer_stores_the_weight_in_the_compute_dtype()
    {
        using var weight = randn(6, 5);
        using var x = randn(2, 5);
        using var layer = builtIns.Catalog.Quantizer("none").CreateFrozenLinear(weight, null, ScalarType.BFloat16, new QuantizationOptions());

        using var y = layer.forward(x);

        Assert.Equal(ScalarType.BFloat16, layer.get_buffer("weight")!.dtype);
        Assert.Empty(layer.parameters());
        using var expected = x.to(ScalarType.BFloat16).matmul(weight.to(ScalarType.BFloat16).t());
        TensorAssert.Identical(expected, y);
    }

    [Fact]
    public void Stored_weights_cost_their_dtype_and_come_back_unchanged()
    {
        using var weight = randn(64, 64, ScalarType.BFloat16);
        using var stored = builtIns.Catalog.Quantizer("none").Quantize(weight, new QuantizationOptions());

        Assert.Equal(16.0, stored.StorageBytes * 8.0 / weight.numel());
        using var restored = stored.Dequantize(ScalarType.BFloat16);
        TensorAssert.Identical(weight, restored);
        Assert.Equal(stored.StorageBytes, builtIns.Catalog.Quantizer("none").StorageBytes([64, 64], ScalarType.BFloat16, new QuantizationOptions()));
        Assert.Equal(64 * 64 * 4, builtIns.Catalog.Quantizer("none").StorageBytes([64, 64], ScalarType.Float32, new QuantizationOptions()));
    }

    [Fact]
    public void None_keeps_plain_linear_layers_and_the_four_bit_quantizers_replace_them()
    {
        Assert.True(builtIns.Catalog.Quantizer("none").KeepsPlainLinears);
        Assert.False(builtIns.Catalog.Quantizer("nf4").KeepsPlainLinears);
        Assert.False(builtIns.Catalog.Quantizer("fp4").KeepsPlainLinears);
    }
}
