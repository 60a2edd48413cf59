namespace VlmForge.Models.Training;

/// <summary>Which weights training updates (<c>model.training_mode</c>).</summary>
public enum TrainingMode
{
    /// <summary>Only LoRA adapters train; every base weight is frozen (and may be stored 4-bit).</summary>
    Lora,

    /// <summary>Every weight trains (full fine-tuning, SFT).</summary>
    Full,
}
