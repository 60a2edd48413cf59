using TorchSharp;

namespace VlmForge.Models.Lora;

/// <summary>Operations over every LoRA layer of a model (for export and faster inference).</summary>
public static class LoraAdapters
{
    /// <summary>The LoRA layers of <paramref name="model"/> with their module paths, in model order.</summary>
    public static IReadOnlyList<(string Path, LoraLinear Layer)> Find(torch.nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.named_modules()
            .Where(m => m.module is LoraLinear)
            .Select(m => (m.name, (LoraLinear)m.module))
            .ToList();
    }

    /// <summary>Folds every adapter into its base weight. Refuses up front, merging nothing, when any base is quantized.</summary>
    public static void MergeAll(torch.nn.Module model)
    {
        var layers = Find(model);
        var quantized = layers.Where(l => l.Layer.BaseLayer is not Layers.CastingLinear).Select(l => l.Path).ToList();
        if (quantized.Count > 0)
        {
            throw new InvalidOperationException(
                $"Cannot merge LoRA into quantized base layers ({string.Join(", ", quantized.Take(3))}{(quantized.Count > 3 ? ", ..." : "")}); " +
                "keep the adapters separate (PEFT layout) or load the base model unquantized before merging.");
        }
        foreach (var (_, layer) in layers.Where(l => !l.Layer.Merged))
        {
            layer.Merge();
        }
    }

    /// <summary>Subtracts every merged adapter from its base weight again.</summary>
    public static void UnmergeAll(torch.nn.Module model)
    {
        foreach (var (_, layer) in Find(model).Where(l => l.Layer.Merged))
        {
            layer.Unmerge();
        }
    }
}
