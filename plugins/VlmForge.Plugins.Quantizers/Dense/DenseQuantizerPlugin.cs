using TorchSharp;
using VlmForge.Abstractions.Plugins;
using VlmForge.Abstractions.Quantization;
using VlmForge.Abstractions.Settings;
using static TorchSharp.torch;

namespace VlmForge.Plugins.Quantizers.Dense;

/// <summary>
/// <c>model.quantization = "none"</c>: frozen weights are kept as they are, in the compute dtype (16 bits per weight
/// for bf16/fp16, 32 for fp32). The host keeps the model's own linear layers (<see cref="KeepsPlainLinears"/>).
/// </summary>
public sealed class DenseQuantizerPlugin : IQuantizerPlugin
{
    /// <inheritdoc />
    public PluginIdentity Identity { get; } = new("none", PluginKind.Quantizer, PluginVersion.Value, PluginContract.Version,
        "No quantization: frozen weights are stored in the compute dtype.");

    /// <inheritdoc />
    public IReadOnlyList<SettingDescriptor> Settings { get; } = [];

    /// <inheritdoc />
    public bool KeepsPlainLinears => true;

    /// <inheritdoc />
    public long StorageBytes(long[] shape, ScalarType computeDtype, QuantizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(options);
        long bytesPerValue = computeDtype switch
        {
            ScalarType.Float64 => 8,
            ScalarType.Float32 => 4,
            ScalarType.BFloat16 or ScalarType.Float16 => 2,
            _ => throw new ArgumentOutOfRangeException(nameof(computeDtype), computeDtype, "The compute dtype must be a floating-point type."),
        };
        return shape.Aggregate(1L, (a, b) => a * b) * bytesPerValue;
    }

    /// <inheritdoc />
    public void Configure(ConfigTable? section, DiagnosticBag diagnostics) =>
        PluginSettings.RejectUnknownKeys(section, Identity.Name, [], diagnostics);

    /// <inheritdoc />
    public IQuantizedTensor Quantize(Tensor weight, QuantizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(options);
        return new DenseTensor(weight.detach().clone());
    }

    /// <inheritdoc />
    public nn.Module<Tensor, Tensor> CreateFrozenLinear(Tensor weight, Tensor? bias, ScalarType computeDtype, QuantizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(options);
        if (weight.dim() != 2)
            throw new ArgumentException($"A linear weight has shape [out, in]; got [{string.Join(", ", weight.shape)}].", nameof(weight));
        if (bias is not null && (bias.dim() != 1 || bias.shape[0] != weight.shape[0]))
            throw new ArgumentException($"The bias must have shape [{weight.shape[0]}]; got [{string.Join(", ", bias.shape)}].", nameof(bias));
        return new DenseLinear(weight, bias, computeDtype);
    }
}

/// <summary>The weight itself, under the name <c>weight</c>.</summary>
internal sealed class DenseTensor(Tensor weight) : IQuantizedTensor
{
    private readonly Dictionary<string, Tensor> _components = new(StringComparer.Ordinal) { ["weight"] = weight };

    public long[] Shape => weight.shape;

    public long StorageBytes => weight.numel() * weight.element_size();

    public IReadOnlyDictionary<string, Tensor> Components => _components;

    // A new handle (alias) even when no conversion is needed, so the caller can dispose what it gets.
    public Tensor Dequantize(ScalarType dtype) => dtype == weight.dtype ? weight.alias() : weight.to(dtype);

    public void Dispose() => weight.Dispose();
}

/// <summary>A frozen linear layer with <c>weight</c> and <c>bias</c> buffers in the compute dtype.</summary>
internal sealed class DenseLinear : nn.Module<Tensor, Tensor>
{
    private readonly ScalarType _computeDtype;
    private readonly bool _hasBias;

    public DenseLinear(Tensor weight, Tensor? bias, ScalarType computeDtype) : base(nameof(DenseLinear))
    {
        _computeDtype = computeDtype;
        // Owned by the module, not by a dispose scope the caller may build it in.
        register_buffer("weight", weight.detach().to(computeDtype, copy: true).DetachFromDisposeScope());
        _hasBias = bias is not null;
        if (bias is not null)
            register_buffer("bias", bias.detach().to(computeDtype, copy: true).DetachFromDisposeScope());
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return nn.functional.linear(input.to(_computeDtype), Buffer("weight"), _hasBias ? Buffer("bias") : null).MoveToOuterDisposeScope();
    }

    private Tensor Buffer(string name) =>
        get_buffer(name) ?? throw new InvalidOperationException($"The frozen linear layer lost its '{name}' buffer; it must not be removed from the module.");
}
