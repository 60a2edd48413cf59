using TorchSharp;
using VlmForge.Models.Families;
using VlmForge.Models.Layers;
using VlmForge.Models.Lora;
using VlmForge.Models.Training;
using static TorchSharp.torch;

namespace VlmForge.Models.Export;

/// <summary>
/// The weights of a LoRA-trained family model as one plain checkpoint with the snapshot's own key names: every LoRA
/// layer's update (alpha/r)·B·A added to its base weight, every 4-bit base dequantized first (to the compute dtype it ran
/// in, as QLoRA merges do), every other tensor as the model holds it. The result is cast to one storage dtype.
/// </summary>
public static class MergedWeights
{
    /// <summary>
    /// The merged tensors of <paramref name="model"/> for exactly the keys <paramref name="snapshotKeys"/> (the checkpoint the
    /// model was loaded from); a key the model cannot supply is an error, so the export loads strictly like the original.
    /// </summary>
    public static Dictionary<string, Tensor> Collect(FamilyModel model, IReadOnlyCollection<string> snapshotKeys, ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Collect(model, model.QuantizedLinears, snapshotKeys, dtype);
    }

    /// <summary>The same for any model built by TrainingSetup: <paramref name="quantizedLinears"/> are its 4-bit layers.</summary>
    public static Dictionary<string, Tensor> Collect(
        nn.Module model, IReadOnlyList<QuantizedLinearInfo> quantizedLinears, IReadOnlyCollection<string> snapshotKeys, ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(quantizedLinears);
        ArgumentNullException.ThrowIfNull(snapshotKeys);
        using var noGrad = no_grad();
        var merged = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var modules = model.named_modules().ToDictionary(m => m.name, m => m.module, StringComparer.Ordinal);
        var plainLinears = new HashSet<string>(StringComparer.Ordinal);

        foreach (var (path, module) in modules)
        {
            if (module is LoraLinear lora)
            {
                var (weight, bias) = BaseWeights(lora.BaseLayer, Quantized(quantizedLinears, path + ".base_layer"));
                using (var delta = lora.Delta())
                {
                    Add(merged, path + ".weight", weight.add_(delta), dtype);
                }
                if (bias is not null) Add(merged, path + ".bias", bias, dtype);
                plainLinears.Add(path);
            }
            else if (Quantized(quantizedLinears, path) is { } info && !path.EndsWith(".base_layer", StringComparison.Ordinal)
                     && module is nn.Module<Tensor, Tensor> frozen)
            {
                var (weight, bias) = BaseWeights(frozen, info);
                Add(merged, path + ".weight", weight, dtype);
                if (bias is not null) Add(merged, path + ".bias", bias, dtype);
                plainLinears.Add(path);
            }
        }

        // Everything else is stored as the model holds it (norms, embeddings, non-adapted linears, the vision tower).
        foreach (var (key, tensor) in model.state_dict())
        {
            if (merged.ContainsKey(key) || plainLinears.Any(p => key.StartsWith(p + ".", StringComparison.Ordinal)))
            {
                continue;
            }
            if (snapshotKeys.Contains(key))
            {
                Add(merged, key, tensor.detach().to(ScalarType.Float32), dtype);
            }
        }

        var missing = snapshotKeys.Where(k => !merged.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var extra = merged.Keys.Where(k => !snapshotKeys.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            foreach (var tensor in merged.Values) tensor.Dispose();
            throw new InvalidOperationException(
                $"The merged weights do not have the snapshot's keys: missing {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", ..." : "")}; " +
                $"extra {string.Join(", ", extra.Take(5))}{(extra.Count > 5 ? ", ..." : "")}.");
        }
        return merged;
    }

    private static QuantizedLinearInfo? Quantized(IReadOnlyList<QuantizedLinearInfo> quantized, string path) =>
        quantized.FirstOrDefault(q => q.Path == path);

    /// <summary>
    /// The float32 weight [out, in] and bias of a base layer: read from a plain linear, or, for a quantizer's frozen
    /// linear (which shows only its forward), probed: f(0) is the bias, f(I) - f(0) the transposed dequantized weight.
    /// </summary>
    private static (Tensor Weight, Tensor? Bias) BaseWeights(nn.Module<Tensor, Tensor> layer, QuantizedLinearInfo? quantized)
    {
        if (layer is CastingLinear plain)
        {
            return (plain.Weight.detach().to(ScalarType.Float32).clone(), plain.Bias?.detach().to(ScalarType.Float32).clone());
        }
        if (quantized is not { } info)
        {
            throw new InvalidOperationException($"A base layer of type {layer.GetType().Name} is neither a plain nor a quantized linear; it cannot be merged.");
        }

        using var scope = NewDisposeScope();
        var probeDtype = layer.parameters().Concat(layer.buffers()).Select(t => t.dtype)
            .FirstOrDefault(t => t is ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16, ScalarType.Float32);
        var device = layer.buffers().Concat(layer.parameters()).Select(t => t.device).FirstOrDefault() ?? CPU;
        var atZero = layer.call(zeros(1, info.InFeatures, probeDtype, device)).to(ScalarType.Float32);
        var atIdentity = layer.call(eye(info.InFeatures, dtype: probeDtype, device: device)).to(ScalarType.Float32);
        var weight = (atIdentity - atZero).t().contiguous();
        Tensor? bias = info.HasBias ? atZero.squeeze(0).contiguous() : null;
        weight.MoveToOuterDisposeScope();
        bias?.MoveToOuterDisposeScope();
        return (weight, bias);
    }

    private static void Add(Dictionary<string, Tensor> merged, string key, Tensor tensor, ScalarType dtype)
    {
        var stored = tensor.to(dtype).cpu().contiguous();
        if (!ReferenceEquals(stored, tensor)) tensor.Dispose();
        merged[key] = stored;
    }
}
