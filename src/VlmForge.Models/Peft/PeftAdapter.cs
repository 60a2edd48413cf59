using VlmForge.Models.Lora;

namespace VlmForge.Models.Peft;

/// <summary>An adapter folder as read back: PEFT's config, the VlmForge usage notes when present, and the weights file.</summary>
/// <param name="Folder">The folder.</param>
/// <param name="Config">adapter_config.json.</param>
/// <param name="Usage">vlmforge.json, or null for an adapter trained elsewhere.</param>
public sealed record PeftAdapter(string Folder, PeftAdapterConfig Config, AdapterUsage? Usage)
{
    /// <summary>adapter_model.safetensors.</summary>
    public string WeightsPath => Path.Combine(Folder, PeftAdapters.WeightsFileName);

    /// <summary>The LoRA settings to build a model that can take this adapter (rank, alpha, dropout, targets).</summary>
    public LoraSettings ToLoraSettings() => new(Config.Rank, Config.LoraAlpha, Config.LoraDropout, Config.TargetModules);
}
