namespace VlmForge.Models.Inspection;

/// <summary>What a group of weights is, for the start-of-training table.</summary>
public enum ParameterKind
{
    /// <summary>Weights of the model itself, stored as ordinary tensors.</summary>
    Base,

    /// <summary>LoRA adapter matrices (lora_A, lora_B).</summary>
    Lora,

    /// <summary>Base linear weights stored by a quantizer (codes and scales).</summary>
    Quantized,
}
