using System.Text;
using System.Text.Json;
using VlmForge.Abstractions.Quantization;
using VlmForge.Engine.Plugins;
using VlmForge.Plugins.Tests.Support;
using static TorchSharp.torch;

namespace VlmForge.Plugins.Tests.Quantizers;

/// <summary>nf4 and fp4 store weights exactly as bitsandbytes does: code books, nibble order, scales, serialization.</summary>
[Collection(BuiltInPluginsCollection.Name)]
public class FourBitTests(BuiltInPlugins builtIns)
{
    private static readonly QuantizationOptions Plain = new();
    private static readonly QuantizationOptions Double = new(DoubleQuantization: true);

    // bitsandbytes' get_4bit_type("nf4").
    private static readonly float[] Nf4CodeBook =
    [
        -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
        -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
        0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
        0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f,
    ];

    // bitsandbytes' get_4bit_type("fp4"): [0, 0.0625, 8, 12, 4, 6, 2, 3, -0, -0.0625, -8, -12, -4, -6, -2, -3] / 12.
    private static readonly float[] Fp4CodeBook =
        [.. new[] { 0f, 0.0625f, 8f, 12f, 4f, 6f, 2f, 3f, 0f, -0.0625f, -8f, -12f, -4f, -6f, -2f, -3f }.Select(v => v / 12f)];

    private PluginCatalog Catalog => builtIns.Catalog;

    [Theory]
    [InlineData("nf4")]
    [InlineData("fp4")]
    public void The_quant_map_is_the_bitsandbytes_code_book(string name)
    {
        using var weight = randn(4, 64);
        using var quantized = Catalog.Quantizer(name).Quantize(weight, Plain);

        var map = quantized.Components["quant_map"];

        Assert.Equal(ScalarType.Float32, map.dtype);
        Assert.Equal(name == "nf4" ? Nf4CodeBook : Fp4CodeBook, map.data<float>().ToArray());
    }

    [Fact]
    public void Nf4_codes_are_packed_two_per_byte_with_the_first_value_in_the_high_nibble()
    {
        // One block, absmax 1: 1.0 -> code 15, -1.0 -> 0, 0.0 -> 7, 0.5 -> 12 (0.5 is below the 0.5017 threshold to 0.5626).
        using var weight = tensor(new[] { 1.0f, -1.0f, 0.0f, 0.5f });
        using var quantized = Catalog.Quantizer("nf4").Quantize(weight, Plain);

        var packed = quantized.Components["weight"];

        Assert.Equal(ScalarType.Byte, packed.dtype);
        Assert.Equal([2L, 1L], packed.shape);
        Assert.Equal([(byte)0xF0, (byte)0x7C], packed.data<byte>().ToArray());
    }

    [Fact]
    public void An_odd_count_ends_with_the_code_of_zero_in_the_low_nibble_as_the_kernel_pads()
    {
        using var weight = tensor(new[] { 1.0f, -1.0f, 0.25f });
        using var nf4 = Catalog.Quantizer("nf4").Quantize(weight, Plain);
        using var fp4 = Catalog.Quantizer("fp4").Quantize(weight, Plain);

        // nf4: 0.25 -> 0.2461 (code 10), padding 0 -> code 7.  fp4: 1.0 -> 0b0011, -1.0 -> 0b1011, 0.25 -> 0b0111, 0 -> 0b0000.
        Assert.Equal([(byte)0xF0, (byte)0xA7], nf4.Components["weight"].data<byte>().ToArray());
        Assert.Equal([(byte)0x3B, (byte)0x70], fp4.Components["weight"].data<byte>().ToArray());
    }

    [Theory]
    [InlineData("nf4")]
    [InlineData("fp4")]
    public void Dequantizing_code_book_values_gives_them_back_exactly(string name)
    {
        var codeBook = name == "nf4" ? Nf4CodeBook : Fp4CodeBook;
        // Four blocks of 64: every code value times the block's scale, so each block's absmax is its scale.
        var values = new float[256];
        float[] scales = [2.5f, 0.0078125f, 13f, 0.3f];
        for (var i = 0; i < values.Length; i++)
            values[i] = codeBook[i % 16] * scales[i / 64];
        using var weight = tensor(values).reshape(4, 64);
        using var quantized = Catalog.Quantizer(name).Quantize(weight, Plain);

        using var restored = quantized.Dequantize(ScalarType.Float32);

        Assert.Equal(values, restored.data<float>().ToArray());
        Assert.Equal(scales, quantized.Components["absmax"].data<float>().ToArray());
    }

    [Theory]
    [InlineData(false, 4.5)]
    // 4 bits + an 8-bit scale per 64 weights + a float32 scale per 256 scales + the float32 offset (32 bits per tensor).
    [InlineData(true, 4 + 8.0 / 64 + 32.0 / (64 * 256) + 32.0 / 262144)]
    public void Storage_costs_4_5_bits_per_weight_or_about_4_127_with_double_quantization(bool doubleQuantization, double expectedBits)
    {
        using var weight = randn(1024, 256);
        using var quantized = Catalog.Quantizer("nf4").Quantize(weight, new QuantizationOptions(doubleQuantization));

        var bits = quantized.StorageBytes * 8.0 / weight.numel();

        Assert.Equal(expectedBits, bits, 12);
        Assert.InRange(bits, doubleQuantization ? 4.127 : 4.5, doubleQuantization ? 4.128 : 4.5);
    }

    [Theory]
    [InlineData("nf4", false, 96, 200)]
    [InlineData("nf4", true, 1000, 70)]
    [InlineData("fp4", true, 33, 17)]
    public void Storage_bytes_per_shape_are_what_a_frozen_layer_holds(string name, bool doubleQuantization, int rows, int columns)
    {
        // What the planner asks (no tensor needed) must be what the layer stores: codes, scales, offset and code books.
        var options = new QuantizationOptions(doubleQuantization);
        using var weight = randn(rows, columns);
        using var quantized = Catalog.Quantizer(name).Quantize(weight, options);
        long codeBooks = quantized.Components["quant_map"].numel() * sizeof(float)
            + (doubleQuantization ? quantized.Components["nested_quant_map"].numel() * sizeof(float) : 0);

        long planned = Catalog.Quantizer(name).StorageBytes([rows, columns], ScalarType.BFloat16, options);

        Assert.Equal(quantized.StorageBytes + codeBooks, planned);
    }

    [Fact]
    public void Nf4_reconstructs_normal_weights_better_than_fp4()
    {
        var generator = new Generator(3);
        using var weight = randn([512, 512], generator: generator) * 0.02;
        using var nf4 = Catalog.Quantizer("nf4").Quantize(weight, Plain);
        using var fp4 = Catalog.Quantizer("fp4").Quantize(weight, Plain);

        var nf4Error = RelativeRmsError(weight, nf4);
        var fp4Error = RelativeRmsError(weight, fp4);

        Assert.True(nf4Error < fp4Error, $"nf4 {nf4Error:F4} should beat fp4 {fp4Error:F4}");
        Assert.InRange(nf4Error, 0.05, 0.12);
    }

    [Fact]
    public void Double_quantization_stores_uint8_scales_with_the_dynamic_map_and_reconstructs_them_closely()
    {
        var generator = new Generator(5);
        using var weight = randn([64, 1024], generator: generator);
        using var plain = Catalog.Quantizer("nf4").Quantize(weight, Plain);
        using var nested = Catalog.Quantizer("nf4").Quantize(weight, Double);

        Assert.Equal(ScalarType.Byte, nested.Components["absmax"].dtype);
        Assert.Equal([1024L], nested.Components["absmax"].shape);
        Assert.Equal([4L], nested.Components["nested_absmax"].shape);

        var map = nested.Components["nested_quant_map"].data<float>().ToArray();
        Assert.Equal(256, map.Length);
        Assert.Equal(map.Order().ToArray(), map);
        Assert.Equal(1.0f, map[^1]);
        Assert.Equal(-0.99296875f, map[0], 1e-6f);
        Assert.Contains(0f, map);
        Assert.Equal(5.5e-7f, map.Where(v => v > 0).Min(), 1e-12f);

        // The scales are only 8-bit now, so the weights come back slightly differently, but close.
        using var a = plain.Dequantize(ScalarType.Float32);
        using var b = nested.Dequantize(ScalarType.Float32);
        var relative = ((a - b).norm() / a.norm()).item<float>();
        Assert.InRange(relative, 1e-5f, 0.01f);
    }

    [Fact]
    public void Components_are_named_and_serialized_as_bitsandbytes_Params4bit()
    {
        using var weight = randn(4, 100, ScalarType.BFloat16);
        using var quantized = Catalog.Quantizer("nf4").Quantize(weight, Double);

        Assert.Equal(["absmax", "nested_absmax", "nested_quant_map", "quant_map", "quant_state.bitsandbytes__nf4", "weight"],
            quantized.Components.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([200L, 1L], quantized.Components["weight"].shape);
        Assert.Equal([4L, 100L], quantized.Shape);

        var json = Encoding.UTF8.GetString(quantized.Components["quant_state.bitsandbytes__nf4"].data<byte>().ToArray());
        Assert.StartsWith("""{"quant_type": "nf4", "blocksize": 64, "dtype": "bfloat16", "shape": [4, 100], "nested_blocksize": 256, "nested_dtype": "float32", "nested_offset": """, json, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json);
        var offset = document.RootElement.GetProperty("nested_offset").GetDouble();
        using var plain = Catalog.Quantizer("nf4").Quantize(weight, Plain);
        Assert.Equal(plain.Components["absmax"].mean().item<float>(), (float)offset);
    }

    [Theory]
    [InlineData("nf4")]
    [InlineData("fp4")]
    public void The_frozen_linear_layer_keeps_4_bit_buffers_and_computes_in_the_compute_dtype(string name)
    {
        var generator = new Generator(9);
        using var weight = randn([8, 64], generator: generator);
        using var bias = randn([8], generator: generator);
        using var x = randn([3, 64], generator: generator);
        var quantizer = Catalog.Quantizer(name);
        using var layer = quantizer.CreateFrozenLinear(weight, bias, ScalarType.BFloat16, Plain);
        using var stored = quantizer.Quantize(weight, Plain);

        using var y = layer.forward(x);

        Assert.Equal(ScalarType.BFloat16, y.dtype);
        Assert.Empty(layer.parameters());
        Assert.Equal(["absmax", "bias", "quant_map", "weight"], layer.named_buffers().Select(b => b.name).Order(StringComparer.Ordinal));
        Assert.Equal(ScalarType.Byte, layer.get_buffer("weight")!.dtype);
        using var expected = nn.functional.linear(x.to(ScalarType.BFloat16), stored.Dequantize(ScalarType.BFloat16), bias.to(ScalarType.BFloat16));
        TensorAssert.Identical(expected, y);
    }

    [Theory]
    [InlineData("nf4")]
    [InlineData("fp4")]
    public void Gradients_flow_to_the_input_as_through_the_dequantized_weight_which_takes_none(string name)
    {
        // The layer recomputes the weight in backward instead of keeping it; the gradient must be the same.
        var generator = new Generator(12);
        using var weight = randn([8, 64], generator: generator);
        using var bias = randn([8], generator: generator);
        using var data = randn([3, 64], generator: generator);
        using var upstream = randn([3, 8], generator: generator);
        var quantizer = Catalog.Quantizer(name);
        using var layer = quantizer.CreateFrozenLinear(weight, bias, ScalarType.Float32, Plain);
        using var stored = quantizer.Quantize(weight, Plain);
        using var dequantized = stored.Dequantize(ScalarType.Float32);

        using var x = data.clone().requires_grad_(true);
        using var y = layer.forward(x);
        y.backward([upstream]);
        using var reference = data.clone().requires_grad_(true);
        using var expected = nn.functional.linear(reference, dequantized, bias);
        expected.backward([upstream]);

        TensorAssert.Close(expected.detach(), y.detach(), 1e-5);
        TensorAssert.Close(reference.grad!, x.grad!, 1e-5);
        Assert.All(layer.named_buffers(), b => Assert.Null(b.buffer.grad));
    }

    [Theory]
    [InlineData("nf4", new[] { "absmax", "bias", "quant_map", "weight" })]
    [InlineData("fp4", new[] { "absmax", "bias", "quant_map", "weight" })]
    [InlineData("none", new[] { "bias", "weight" })]
    public void A_frozen_linear_built_inside_a_dispose_scope_keeps_its_buffers_after_the_scope_ends(string name, string[] buffers)
    {
        // The model's training setup builds every frozen layer inside its own dispose scope; the layer must own its buffers.
        var generator = new Generator(10);
        using var weight = randn([8, 64], generator: generator);
        using var bias = randn([8], generator: generator);
        using var x = randn([3, 64], generator: generator);
        var quantizer = Catalog.Quantizer(name);
        nn.Module<Tensor, Tensor> layer;
        using (NewDisposeScope())
        {
            layer = quantizer.CreateFrozenLinear(weight, bias, ScalarType.Float32, Plain);
        }
        using (layer)
        {
            Assert.Equal(buffers, layer.named_buffers().Select(b => b.name).Order(StringComparer.Ordinal));
            using var y = layer.forward(x);
            Assert.Equal([3L, 8L], y.shape);
            Assert.True(y.isfinite().all().item<bool>());
        }
    }

    [Fact]
    public void A_block_size_bitsandbytes_does_not_support_is_refused_with_the_allowed_sizes()
    {
        using var weight = randn(4, 64);
        var error = Assert.Throws<PluginRuntimeException>(() => Catalog.Quantizer("nf4").Quantize(weight, new QuantizationOptions(BlockSize: 48)));
        Assert.Contains("Block size must be one of 64, 128, 256, 512, 1024, 2048, 4096", error.Message, StringComparison.Ordinal);
        Assert.Contains("Plugin 'nf4' (quantizer", error.Message, StringComparison.Ordinal);
    }

    private static double RelativeRmsError(Tensor weight, IQuantizedTensor quantized)
    {
        using var restored = quantized.Dequantize(ScalarType.Float32);
        using var error = (restored - weight).pow(2).mean().sqrt() / weight.pow(2).mean().sqrt();
        return error.item<float>();
    }
}
