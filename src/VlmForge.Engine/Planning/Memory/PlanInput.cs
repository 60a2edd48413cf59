using VlmForge.Engine.Planning.Architecture;
using VlmForge.Models.Training;
using VlmForge.Settings;

namespace VlmForge.Engine.Planning.Memory;

/// <summary>Everything the memory and time estimates depend on.</summary>
internal sealed record PlanInput
{
    /// <summary>The architecture.</summary>
    public required ModelShape Model { get; init; }

    /// <summary>LoRA adapters or every weight.</summary>
    public required TrainingMode Mode { get; init; }

    /// <summary>Adapter settings; required in LoRA mode.</summary>
    public LoraPlan? Lora { get; init; }

    /// <summary>How frozen stack linears are stored (LoRA mode only; full fine-tuning stores nothing quantized).</summary>
    public required QuantizationPlan Quantization { get; init; }

    /// <summary>The compute dtype.</summary>
    public required PrecisionPlan Precision { get; init; }

    /// <summary>The optimizer's state per trainable parameter.</summary>
    public required OptimizerPlan Optimizer { get; init; }

    /// <summary>Samples per forward pass.</summary>
    public required int BatchSize { get; init; }

    /// <summary>Forward passes per optimizer update (no extra memory: gradients add up in place).</summary>
    public int GradientAccumulation { get; init; } = 1;

    /// <summary>Whether each decoder layer and vision block keeps only its input and is recomputed in backward.</summary>
    public bool GradientCheckpointing { get; init; }

    /// <summary>Tokens per sample.</summary>
    public required SequenceShape Sequence { get; init; }

    /// <summary>batch_size x gradient_accumulation.</summary>
    public int EffectiveBatch => BatchSize * GradientAccumulation;

    /// <summary>Throws <see cref="PlanningException"/> when the combination cannot run, as the engine would.</summary>
    public void Validate()
    {
        if (BatchSize < 1 || GradientAccumulation < 1)
            throw new PlanningException($"batch_size ({BatchSize}) and gradient_accumulation ({GradientAccumulation}) must be at least 1.", "training.batch_size");
        if (Mode == TrainingMode.Lora && Lora is null)
            throw new PlanningException("LoRA training needs LoRA settings (rank, dropout, target modules).", "model.training_mode");
        if (Mode == TrainingMode.Full && Quantization.Quantized)
            throw new PlanningException(
                $"Full fine-tuning trains every weight, so none can be stored by '{Quantization.Name}': use training_mode = \"lora\" or quantization = \"none\".", "model.quantization");
        if (Lora is { } lora)
        {
            if (lora.Rank < 1)
                throw new PlanningException($"lora_rank must be at least 1, got {lora.Rank}.", "model.lora_rank");
            var names = Model.LinearNames;
            var unmatched = lora.TargetModules.Where(t => !names.Contains(t, StringComparer.Ordinal)).ToList();
            if (Mode == TrainingMode.Lora && unmatched.Count > 0)
                throw new PlanningException(
                    $"lora_target_modules names {string.Join(", ", unmatched.Select(u => $"'{u}'"))} that match no linear layer of {Model.Name}. " +
                    $"Linear layers are named: {string.Join(", ", names)}.", "model.lora_target_modules");
        }
    }
}
