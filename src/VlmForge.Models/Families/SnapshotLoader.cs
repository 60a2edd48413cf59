using TorchSharp;
using TorchSharp.Modules;
using VlmForge.Models.Layers;
using VlmForge.Models.Safetensors;
using VlmForge.Models.StateDicts;
using VlmForge.Models.Training;
using VlmForge.Settings;
using static TorchSharp.torch;

namespace VlmForge.Models.Families;

/// <summary>
/// Loads a snapshot into a family model strictly and without a second copy: the model is built on the meta device
/// (shapes, no memory), every checkpoint key and shape is checked against it before anything is read, then each
/// parameter is read from the memory-mapped safetensors one tensor at a time, cast and moved to its place. In lora mode
/// this happens inside the training setup, just before each layer is frozen (stored in the compute dtype) or quantized,
/// so a quantized model never holds its 16-bit weights all at once.
/// </summary>
internal static class SnapshotLoader
{
    public static void Fill(FamilyModel model, ITensorSource source, string sourceName, ModelSetup setup)
    {
        CheckStrictly(model, source, sourceName);
        var device = setup.Device ?? CPU;
        if (setup.Mode == TrainingMode.Full)
        {
            // Full fine-tuning trains every weight: float32 master weights, as when the model is built fresh.
            foreach (var (path, module) in ParameterOwners(model))
            {
                Materialize(path, module, source, ScalarType.Float32, requiresGrad: true, device);
            }
        }
        else
        {
            var quantized = TrainingSetup.Apply(
                model, setup, model.IsQuantizable,
                prepare: (path, module) => Materialize(path, module, source, setup.ComputeDtype, requiresGrad: false, device));
            // Modules the setup neither froze nor wrapped (none today) still need their weights.
            foreach (var (path, module) in ParameterOwners(model))
            {
                Materialize(path, module, source, setup.ComputeDtype, requiresGrad: false, device);
            }
            model.SetQuantized(quantized);
        }

        var leftover = model.named_parameters().Where(p => p.parameter.device_type == DeviceType.META && device.type != DeviceType.META)
            .Select(p => p.name).ToList();
        if (leftover.Count > 0)
        {
            throw new InvalidOperationException(
                $"Loading {sourceName} left {leftover.Count} parameter(s) without weights ({string.Join(", ", leftover.Take(5))}); " +
                "their modules cannot swap parameters.");
        }
    }

    /// <summary>Every key used, every shape equal, every dtype floating where the model's is: one error listing all problems.</summary>
    private static void CheckStrictly(FamilyModel model, ITensorSource source, string sourceName)
    {
        var expected = model.state_dict();
        var available = source.Names.ToHashSet(StringComparer.Ordinal);
        var missing = expected.Keys.Where(k => !available.Contains(k)).Order(StringComparer.Ordinal).ToList();
        var unexpected = available.Where(k => !expected.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var mismatched = new List<TensorMismatch>();
        foreach (var (name, target) in expected.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!available.Contains(name))
            {
                continue;
            }
            var entry = source.GetEntry(name);
            var stored = entry.Dtype.ToScalarType();
            var floating = stored is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64;
            if (!entry.Shape.SequenceEqual(target.shape) || !floating)
            {
                mismatched.Add(new TensorMismatch(name, $"[{string.Join(", ", target.shape)}] floating", $"[{string.Join(", ", entry.Shape)}] {entry.Dtype}"));
            }
        }
        if (missing.Count > 0 || unexpected.Count > 0 || mismatched.Count > 0)
        {
            throw new StateDictMismatchException(sourceName, $"{model.GetType().Name} ({model.Family} as its config.json describes it)", missing, unexpected, mismatched);
        }
    }

    private static IEnumerable<(string Path, nn.Module Module)> ParameterOwners(nn.Module model)
    {
        if (model is IParameterOwner)
        {
            yield return (string.Empty, model);
        }
        foreach (var (path, module) in model.named_modules().ToList())
        {
            if (module is IParameterOwner)
            {
                yield return (path, module);
            }
        }
    }

    /// <summary>Replaces the module's own parameters that are still shapes on the meta device by the checkpoint's tensors.</summary>
    private static void Materialize(string path, nn.Module module, ITensorSource source, ScalarType dtype, bool requiresGrad, Device device)
    {
        if (module is not IParameterOwner owner)
        {
            return;
        }
        foreach (var (name, parameter) in module.named_parameters(recurse: false).ToList())
        {
            if (parameter.device_type != DeviceType.META || device.type == DeviceType.META)
            {
                continue;
            }
            var key = path.Length == 0 ? name : path + "." + name;
            Parameter replacement;
            using (var scope = NewDisposeScope())
            using (no_grad())
            {
                var stored = source.Read(key);
                var placed = stored.to(device).to(dtype).contiguous();
                replacement = ParameterFactory.Own(placed.detach(), requiresGrad);
            }
            owner.ReplaceParameter(name, replacement);
        }
    }
}
