using System.Text.Json;
using VlmForge.Cli;
using VlmForge.Plugins.Tests.Support;

namespace VlmForge.Plugins.Tests.Quantizers;

/// <summary>
/// A quantizer the planner has never seen, installed with --plugins, is planned by what its contract says it stores
/// (<c>vlmforge plan</c>), as the built-in ones are.
/// </summary>
public sealed class ThirdPartyQuantizerPlanTests : IDisposable
{
    // One byte per weight plus one float32 scale per output row: int8 with row-wise absmax.
    private const string Int8Source = """
        using System;
        using System.Collections.Generic;
        using TorchSharp;
        using VlmForge.Abstractions.Plugins;
        using VlmForge.Abstractions.Quantization;
        using VlmForge.Abstractions.Settings;
        using static TorchSharp.torch;
        namespace TestPlugins;

        public sealed class RowInt8Quantizer : IQuantizerPlugin
        {
            public PluginIdentity Identity => new("row-int8", PluginKind.Quantizer, "0.1.0", PluginContract.Version, "int8 weights, one scale per row.");
            public IReadOnlyList<SettingDescriptor> Settings => [];
            public void Configure(ConfigTable? section, DiagnosticBag diagnostics) { }
            public bool KeepsPlainLinears => false;
            public long StorageBytes(long[] shape, ScalarType computeDtype, QuantizationOptions options)
            {
                if (shape.Length != 2) throw new ArgumentException("a linear weight is [out, in]", nameof(shape));
                return shape[0] * shape[1] + shape[0] * sizeof(float);
            }
            public IQuantizedTensor Quantize(Tensor weight, QuantizationOptions options) => throw new NotSupportedException("planning only");
            public nn.Module<Tensor, Tensor> CreateFrozenLinear(Tensor weight, Tensor? bias, ScalarType computeDtype, QuantizationOptions options) =>
                throw new NotSupportedException("planning only");
        }
        """;

    private readonly string _root = PluginCompiler.TempFolder("third-party-quantizer");

    public ThirdPartyQuantizerPlanTests() =>
        PluginCompiler.Compile("Acme.RowInt8", Int8Source, Path.Combine(_root, "plugins", "Acme.RowInt8"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Plan_sizes_the_frozen_linears_by_the_plugins_storage_bytes()
    {
        var int8 = Plan("row-int8");
        var nf4 = Plan("nf4");

        var training = int8.GetProperty("training");
        Assert.Equal("row-int8", training.GetProperty("quantization").GetString());
        // 8 bits per weight and 32 per row of 16384 weights in the planner's sample.
        Assert.Equal(8 + 32.0 / 16384, training.GetProperty("bits_per_quantized_weight").GetDouble(), 9);

        // The same linears are quantized either way: one byte each plus a scale per output row, against nf4's 4.5 bits.
        long weights = int8.GetProperty("model").GetProperty("quantized_weights").GetInt64();
        Assert.Equal(weights, nf4.GetProperty("model").GetProperty("quantized_weights").GetInt64());
        long int8Bytes = QuantizedBytes(int8), nf4Bytes = QuantizedBytes(nf4);
        Assert.InRange(int8Bytes - weights, 1, weights / 100);
        Assert.InRange(nf4Bytes, weights * 9 / 16, weights * 9 / 16 + weights / 100);
    }

    private JsonElement Plan(string quantization)
    {
        var config = Path.Combine(_root, $"{quantization}.toml");
        File.WriteAllText(config, $"""
            [model]
            family = "qwen2_5_vl"
            size = "small"
            training_mode = "lora"
            quantization = "{quantization}"
            """);
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = CliApp.Run(["plan", "--config", config, "--format", "json", "--plugins", Path.Combine(_root, "plugins")], output, error);

        Assert.True(exit == 0, error.ToString());
        var json = output.ToString();
        return JsonDocument.Parse(json[json.IndexOf('{', StringComparison.Ordinal)..]).RootElement.Clone();
    }

    private static long QuantizedBytes(JsonElement plan) =>
        plan.GetProperty("memory").GetProperty("terms").EnumerateArray()
            .Single(t => t.GetProperty("key").GetString() == "weights.quantized").GetProperty("bytes").GetInt64();
}
