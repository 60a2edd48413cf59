using TorchSharp;
using VlmForge.Models.Safetensors;
using static TorchSharp.torch;

namespace VlmForge.Models.StateDicts;

/// <summary>
/// Loads a checkpoint into a module strictly: every expected key must be present, no extra key may appear, every shape
/// must match, and every problem is reported in one <see cref="StateDictMismatchException"/> before anything is copied.
/// Tensors are read one at a time and converted to the module's dtype, so peak memory is the model plus one tensor.
/// </summary>
public static class StrictStateDictLoader
{
    /// <summary>Loads <paramref name="source"/> into <paramref name="module"/>.</summary>
    /// <param name="module">The target.</param>
    /// <param name="source">The checkpoint.</param>
    /// <param name="expect">Which of the module's keys the checkpoint must hold (for example only trainable ones); null = all.</param>
    /// <param name="sourceName">How to name the checkpoint in errors; defaults to its type.</param>
    /// <returns>The keys loaded.</returns>
    public static IReadOnlyList<string> Load(nn.Module module, ITensorSource source, Func<string, bool>? expect = null, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(source);
        var label = sourceName ?? source switch
        {
            SafetensorsFile file => file.Path,
            ShardedSafetensors sharded => sharded.IndexPath,
            _ => source.GetType().Name,
        };
        var targets = Targets(module, expect);
        var available = source.Names.ToHashSet(StringComparer.Ordinal);
        var mismatched = new List<TensorMismatch>();
        foreach (var (name, target) in targets)
        {
            if (!available.Contains(name))
            {
                continue;
            }
            var entry = source.GetEntry(name);
            var storedType = entry.Dtype.ToScalarType();
            if (!entry.Shape.SequenceEqual(target.shape) || storedType is null || !SameKind(storedType.Value, target.dtype))
            {
                mismatched.Add(new TensorMismatch(
                    name, $"[{string.Join(", ", target.shape)}] {target.dtype}", $"[{string.Join(", ", entry.Shape)}] {entry.Dtype}"));
            }
        }
        Check(label, module, targets, available, mismatched);

        using var noGrad = no_grad();
        foreach (var (name, target) in targets.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            using var loaded = source.Read(name);
            target.copy_(loaded);
        }
        return [.. targets.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>Loads in-memory <paramref name="tensors"/> into <paramref name="module"/> with the same strictness.</summary>
    public static IReadOnlyList<string> Load(
        nn.Module module, IReadOnlyDictionary<string, Tensor> tensors, Func<string, bool>? expect = null, string sourceName = "the state dict")
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(tensors);
        var targets = Targets(module, expect);
        var mismatched = targets
            .Where(t => tensors.TryGetValue(t.Key, out var stored)
                && (!stored.shape.SequenceEqual(t.Value.shape) || !SameKind(stored.dtype, t.Value.dtype)))
            .Select(t => new TensorMismatch(
                t.Key, $"[{string.Join(", ", t.Value.shape)}] {t.Value.dtype}", $"[{string.Join(", ", tensors[t.Key].shape)}] {tensors[t.Key].dtype}"))
            .ToList();
        Check(sourceName, module, targets, tensors.Keys.ToHashSet(StringComparer.Ordinal), mismatched);

        using var noGrad = no_grad();
        foreach (var (name, target) in targets)
        {
            target.copy_(tensors[name]);
        }
        return [.. targets.Keys.Order(StringComparer.Ordinal)];
    }

    private static Dictionary<string, Tensor> Targets(nn.Module module, Func<string, bool>? expect) =>
        module.state_dict()
            .Where(pair => expect is null || expect(pair.Key))
            .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);

    private static void Check(
        string source, nn.Module module, Dictionary<string, Tensor> targets, HashSet<string> available, List<TensorMismatch> mismatched)
    {
        var missing = targets.Keys.Where(k => !available.Contains(k)).Order(StringComparer.Ordinal).ToList();
        var unexpected = available.Where(k => !targets.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || unexpected.Count > 0 || mismatched.Count > 0)
        {
            throw new StateDictMismatchException(
                source, module.GetType().Name, missing, unexpected, [.. mismatched.OrderBy(m => m.Name, StringComparer.Ordinal)]);
        }
    }

    /// <summary>Floating weights load into any floating dtype (bf16 checkpoint into a float32 master); integers and bools must match exactly.</summary>
    private static bool SameKind(ScalarType stored, ScalarType target) =>
        stored == target || (IsFloating(stored) && IsFloating(target));

    private static bool IsFloating(ScalarType dtype) =>
        dtype is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64;
}
