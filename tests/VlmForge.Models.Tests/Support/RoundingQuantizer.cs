using TorchSharp;
using TorchSharp.Modules;
using VlmForge.Abstractions.Plugins;
using VlmForge.Abstractions.Quantization;
using VlmForge.Abstractions.Settings;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Support;

/// <summary>
/// A test-only quantizer: "stores" a weight rounded to bf16 as a buffer. Enough to prove the model swaps frozen base
/// linears for a plugin's module and counts its storage; the real NF4/FP4 plugins live in the plugins project.
/// </summary>
internal sealed class RoundingQuantizer : IQuantizerPlugin
{
    public PluginIdentity Identity { get; } = new("round-bf16", PluginKind.Quantizer, "1.0.0", PluginContract.Version, "Test quantizer");

    public IReadOnlyList<SettingDescriptor> Settings { get; } = [];

    public bool KeepsPlainLinears => false;

    public long StorageBytes(long[] shape, ScalarType computeDtype, QuantizationOptions options) => shape.Aggregate(2L, (a, b) => a * b);

    public int Created { get; private set; }

    public void Configure(ConfigTable? section, DiagnosticBag diagnostics)
    {
    }

    public IQuantizedTensor Quantize(Tensor weight, QuantizationOptions options) => new Rounded(weight);

    public nn.Module<Tensor, Tensor> CreateFrozenLinear(Tensor weight, Tensor? bias, ScalarType computeDtype, QuantizationOptions options)
    {
        Created++;
        return new FrozenRoundedLinear(weight, bias, computeDtype);
    }

    private sealed class Rounded(Tensor weight) : IQuantizedTensor
    {
        private readonly Tensor stored = weight.detach().to(ScalarType.BFloat16).DetachFromDisposeScope();

        public long[] Shape => stored.shape;

        public long StorageBytes => stored.numel() * 2;

        public IReadOnlyDictionary<string, Tensor> Components => new Dictionary<string, Tensor> { ["weight"] = stored };

        public Tensor Dequantize(ScalarType dtype) => stored.to(dtype);

        public void Dispose() => stored.Dispose();
    }
}

/// <summary>The test quantizer's frozen linear: the weight is a bf16 buffer, no parameters.</summary>
internal sealed class FrozenRoundedLinear : nn.Module<Tensor, Tensor>
{
    private readonly Tensor weight;
    private readonly Tensor? bias;
    private readonly ScalarType computeDtype;

    public FrozenRoundedLinear(Tensor weight, Tensor? bias, ScalarType computeDtype) : base("frozen_rounded_linear")
    {
        this.weight = weight.detach().to(ScalarType.BFloat16).clone().DetachFromDisposeScope();
        this.bias = bias?.detach().to(computeDtype).clone().DetachFromDisposeScope();
        this.computeDtype = computeDtype;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return nn.functional.linear(input.to(computeDtype), weight.to(computeDtype), bias).MoveToOuterDisposeScope();
    }
}
