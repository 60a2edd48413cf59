using System.Text.Json;
using System.Text.Json.Serialization;

namespace VlmForge.Models.Peft;

/// <summary>
/// PEFT's <c>adapter_config.json</c> for a LoRA adapter (the keys PEFT's <c>LoraConfig</c> writes). PEFT loads an adapter
/// saved with these values through <c>PeftModel.from_pretrained(base, folder)</c>.
/// </summary>
public sealed record PeftAdapterConfig
{
    /// <summary>Per-module alpha overrides (VlmForge writes none and refuses adapters that have some).</summary>
    [JsonPropertyName("alpha_pattern")] public Dictionary<string, double> AlphaPattern { get; init; } = [];

    /// <summary>PEFT's auto mapping (null for transformers models).</summary>
    [JsonPropertyName("auto_mapping")] public JsonElement? AutoMapping { get; init; }

    /// <summary>The base model: a Hugging Face repository id or a local path.</summary>
    [JsonPropertyName("base_model_name_or_path")] public string? BaseModelNameOrPath { get; init; }

    /// <summary>Which biases train ("none").</summary>
    [JsonPropertyName("bias")] public string Bias { get; init; } = "none";

    /// <summary>Whether the base stores weights as (in, out) (false for nn.Linear).</summary>
    [JsonPropertyName("fan_in_fan_out")] public bool FanInFanOut { get; init; }

    /// <summary>Whether the adapter was saved for inference.</summary>
    [JsonPropertyName("inference_mode")] public bool InferenceMode { get; init; } = true;

    /// <summary>How the adapter was initialized (true: kaiming A, zero B).</summary>
    [JsonPropertyName("init_lora_weights")] public bool InitLoraWeights { get; init; } = true;

    /// <summary>Layer name pattern for <see cref="LayersToTransform"/> (unused).</summary>
    [JsonPropertyName("layers_pattern")] public JsonElement? LayersPattern { get; init; }

    /// <summary>Only these layer indices are adapted (unused; null).</summary>
    [JsonPropertyName("layers_to_transform")] public JsonElement? LayersToTransform { get; init; }

    /// <summary>The update is scaled by lora_alpha / r.</summary>
    [JsonPropertyName("lora_alpha")] public double LoraAlpha { get; init; }

    /// <summary>Dropout on the adapter input during training.</summary>
    [JsonPropertyName("lora_dropout")] public double LoraDropout { get; init; }

    /// <summary>Fully trained extra modules (VlmForge writes none and refuses adapters that have some).</summary>
    [JsonPropertyName("modules_to_save")] public IReadOnlyList<string>? ModulesToSave { get; init; }

    /// <summary>"LORA".</summary>
    [JsonPropertyName("peft_type")] public string PeftType { get; init; } = "LORA";

    /// <summary>The rank.</summary>
    [JsonPropertyName("r")] public int Rank { get; init; }

    /// <summary>Per-module rank overrides (VlmForge writes none and refuses adapters that have some).</summary>
    [JsonPropertyName("rank_pattern")] public Dictionary<string, int> RankPattern { get; init; } = [];

    /// <summary>The base model's revision (null).</summary>
    [JsonPropertyName("revision")] public string? Revision { get; init; }

    /// <summary>Module names that carry adapters (matched against the last part of each module path).</summary>
    [JsonPropertyName("target_modules")] public IReadOnlyList<string> TargetModules { get; init; } = [];

    /// <summary>"CAUSAL_LM".</summary>
    [JsonPropertyName("task_type")] public string TaskType { get; init; } = "CAUSAL_LM";

    /// <summary>Weight-decomposed LoRA (unsupported; false).</summary>
    [JsonPropertyName("use_dora")] public bool UseDora { get; init; }

    /// <summary>Rank-stabilized scaling alpha / sqrt(r) (unsupported; false).</summary>
    [JsonPropertyName("use_rslora")] public bool UseRslora { get; init; }
}
