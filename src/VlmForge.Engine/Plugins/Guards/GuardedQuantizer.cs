using TorchSharp;
using VlmForge.Abstractions.Plugins;
using VlmForge.Abstractions.Quantization;
using VlmForge.Abstractions.Settings;
using static TorchSharp.torch;

namespace VlmForge.Engine.Plugins.Guards;

/// <remarks>
/// The frozen linear module is returned as the plugin made it: wrapping it would add a level to its state-dict
/// keys. Its construction runs under the guard; its forward runs inside the model.
/// </remarks>
internal sealed class GuardedQuantizerPlugin(IQuantizerPlugin inner, PluginGuard guard, PluginIdentity identity, IReadOnlyList<SettingDescriptor> settings)
    : GuardedPlugin<IQuantizerPlugin>(inner, guard, identity, settings), IQuantizerPlugin
{
    public bool KeepsPlainLinears => Guard.Run(nameof(KeepsPlainLinears), () => Inner.KeepsPlainLinears);

    public long StorageBytes(long[] shape, ScalarType computeDtype, QuantizationOptions options) =>
        Guard.Run(nameof(StorageBytes), () => Inner.StorageBytes(shape, computeDtype, options));

    public IQuantizedTensor Quantize(Tensor weight, QuantizationOptions options)
    {
        var quantized = Guard.NotNull(nameof(Quantize), Guard.Run(nameof(Quantize), () => Inner.Quantize(weight, options)));
        return new GuardedQuantizedTensor(quantized, Guard);
    }

    public nn.Module<Tensor, Tensor> CreateFrozenLinear(Tensor weight, Tensor? bias, ScalarType computeDtype, QuantizationOptions options) =>
        Guard.NotNull(nameof(CreateFrozenLinear), Guard.Run(nameof(CreateFrozenLinear), () => Inner.CreateFrozenLinear(weight, bias, computeDtype, options)));
}

internal sealed class GuardedQuantizedTensor(IQuantizedTensor inner, PluginGuard guard) : IQuantizedTensor
{
    public long[] Shape => guard.Run(nameof(Shape), () => inner.Shape);

    public long StorageBytes => guard.Run(nameof(StorageBytes), () => inner.StorageBytes);

    public IReadOnlyDictionary<string, Tensor> Components => guard.Run(nameof(Components), () => inner.Components);

    public Tensor Dequantize(ScalarType dtype) => guard.NotNull(nameof(Dequantize), guard.Run(nameof(Dequantize), () => inner.Dequantize(dtype)));

    public void Dispose() => guard.Run(nameof(Dispose), inner.Dispose);
}
