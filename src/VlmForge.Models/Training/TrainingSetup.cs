using TorchSharp;
using VlmForge.Models.Layers;
using VlmForge.Models.Lora;
using VlmForge.Settings;
using static TorchSharp.torch;

namespace VlmForge.Models.Training;

/// <summary>
/// Turns a freshly built (or freshly loaded) float32 model into what training needs: in lora mode, targeted linear
/// layers are wrapped in <see cref="LoraLinear"/>, frozen base linears of the quantizable parts are replaced by the
/// quantizer's frozen linear, and every other weight is frozen into the compute dtype. Full mode leaves everything
/// trainable in float32.
/// </summary>
public static class TrainingSetup
{
    /// <summary>Applies <paramref name="setup"/> to <paramref name="model"/> in place.</summary>
    /// <param name="model">The root module; its linear layers must be <see cref="CastingLinear"/> held by an <see cref="IChildHost"/>.</param>
    /// <param name="setup">Mode, LoRA settings, quantizer, compute dtype.</param>
    /// <param name="isQuantizable">Which linear paths a quantizer may store (decoder and vision tower, not the head).</param>
    /// <param name="prepare">
    /// Called with a module's path just before that module is frozen, quantized or wrapped (lora mode only). A loader
    /// passes one that fills the module's parameters from a checkpoint, so a model built on the meta device is loaded,
    /// cast and quantized one layer at a time instead of existing in full first.
    /// </param>
    /// <returns>The linear layers now stored by the quantizer.</returns>
    public static IReadOnlyList<QuantizedLinearInfo> Apply(
        nn.Module model, ModelSetup setup, Func<string, bool> isQuantizable, Action<string, nn.Module>? prepare = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(isQuantizable);
        setup.Validate();
        if (setup.Mode == TrainingMode.Full)
        {
            return [];
        }

        var lora = setup.Lora!;
        var modules = model.named_modules().ToDictionary(m => m.name, m => m.module);
        var linears = modules.Where(m => m.Value is CastingLinear).Select(m => (Path: m.Key, Linear: (CastingLinear)m.Value)).ToList();
        CheckTargets(lora, linears.Select(l => l.Path).ToList());

        var quantized = new List<QuantizedLinearInfo>();
        var handled = new HashSet<nn.Module>(ReferenceEqualityComparer.Instance);
        foreach (var (path, linear) in linears)
        {
            var (parentPath, name) = Split(path);
            var parent = parentPath.Length == 0 ? model : modules[parentPath];
            var targeted = lora.Targets(path);
            var quantize = setup.StoringQuantizer is not null && isQuantizable(path);
            prepare?.Invoke(path, linear);

            nn.Module<Tensor, Tensor> baseLayer = linear;
            if (quantize)
            {
                using var scope = NewDisposeScope();
                baseLayer = setup.StoringQuantizer!.CreateFrozenLinear(
                    linear.Weight.detach(), linear.Bias?.detach(), setup.ComputeDtype, setup.QuantizationOptions);
                // The layer's stored tensors must outlive this scope (it only frees the quantizer's temporaries): a plugin
                // that returns its results to the caller's scope, as the 4-bit one does, would otherwise lose them here.
                foreach (var (_, buffer) in baseLayer.named_buffers())
                {
                    buffer.DetachFromDisposeScope();
                }
                foreach (var (_, parameter) in baseLayer.named_parameters())
                {
                    parameter.DetachFromDisposeScope();
                }
                quantized.Add(new QuantizedLinearInfo(
                    targeted ? path + ".base_layer" : path, linear.InFeatures, linear.OutFeatures, linear.Bias is not null));
            }
            else
            {
                linear.Freeze(setup.ComputeDtype);
            }
            handled.Add(linear);

            var replacement = targeted
                ? new LoraLinear(baseLayer, linear.InFeatures, linear.OutFeatures, lora, setup.ComputeDtype, linear.Weight.device)
                : baseLayer;
            if (!ReferenceEquals(replacement, linear))
            {
                if (parent is not IChildHost host)
                {
                    throw new InvalidOperationException(
                        $"'{path}' must be replaced for LoRA or quantization, but its parent {parent.GetType().Name} cannot swap children.");
                }
                host.ReplaceChild(name, replacement);
                if (replacement is LoraLinear adapter)
                {
                    handled.Add(adapter.A);
                    handled.Add(adapter.B);
                }
                if (quantize)
                {
                    linear.Dispose();
                }
            }
        }

        foreach (var (path, module) in model.named_modules().ToList())
        {
            if (module is IFreezable freezable && !handled.Contains(module))
            {
                prepare?.Invoke(path, module);
                freezable.Freeze(setup.ComputeDtype);
            }
        }
        if (model is IFreezable root && !handled.Contains(model))
        {
            prepare?.Invoke(string.Empty, model);
            root.Freeze(setup.ComputeDtype);
        }
        return quantized;
    }

    private static void CheckTargets(LoraSettings lora, IReadOnlyList<string> linearPaths)
    {
        var available = linearPaths.Select(p => Split(p).Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var unmatched = lora.TargetModules.Where(t => !available.Contains(t, StringComparer.Ordinal)).ToList();
        if (unmatched.Count > 0)
        {
            throw new ArgumentException(
                $"lora_target_modules names {string.Join(", ", unmatched.Select(u => $"'{u}'"))} that match no linear layer of this model. " +
                $"Linear layers are named: {string.Join(", ", available)}.",
                nameof(lora));
        }
    }

    private static (string Parent, string Name) Split(string path)
    {
        var dot = path.LastIndexOf('.');
        return dot < 0 ? (string.Empty, path) : (path[..dot], path[(dot + 1)..]);
    }
}
