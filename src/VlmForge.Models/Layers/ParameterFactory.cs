using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VlmForge.Models.Layers;

/// <summary>Creates module parameters that belong to their module, not to whatever dispose scope is open.</summary>
internal static class ParameterFactory
{
    /// <summary>Initializer range of Hugging Face Llama/ViT configs (<c>initializer_range</c>).</summary>
    public const double InitializerStd = 0.02;

    /// <summary>A trainable float32 parameter drawn from N(0, std²) (nothing is drawn on the meta device).</summary>
    public static Parameter Normal(long[] shape, Device device, double std = InitializerStd)
    {
        using var scope = NewDisposeScope();
        var data = empty(shape, ScalarType.Float32, device);
        using (no_grad())
        {
            nn.init.normal_(data, 0, std);
        }
        return Own(data, requiresGrad: true);
    }

    /// <summary>A trainable float32 parameter filled with <paramref name="value"/>.</summary>
    public static Parameter Filled(long[] shape, double value, Device device)
    {
        using var scope = NewDisposeScope();
        return Own(full(shape, value, ScalarType.Float32, device), requiresGrad: true);
    }

    /// <summary>Wraps <paramref name="data"/> as a parameter that no dispose scope will free; the module owns it.</summary>
    public static Parameter Own(Tensor data, bool requiresGrad)
    {
        var parameter = new Parameter(data, requiresGrad);
        parameter.DetachFromDisposeScope();
        return parameter;
    }

    /// <summary>
    /// A frozen copy of <paramref name="parameter"/> stored in <paramref name="dtype"/> (mixed precision keeps frozen
    /// weights in the compute dtype). The caller disposes the original.
    /// </summary>
    public static Parameter FrozenCopy(Parameter parameter, ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var data = parameter.detach().to(dtype);
        return Own(data, requiresGrad: false);
    }
}
