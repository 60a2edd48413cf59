using VlmForge.Abstractions.Quantization;
using VlmForge.Models.Lora;
using VlmForge.Settings;
using static TorchSharp.torch;

namespace VlmForge.Models.Training;

/// <summary>How a model is prepared for training: what trains, how frozen weights are stored, the compute dtype.</summary>
public sealed record ModelSetup
{
    /// <summary>LoRA adapters only, or every weight.</summary>
    public TrainingMode Mode { get; init; } = TrainingMode.Full;

    /// <summary>Adapter settings; required in <see cref="TrainingMode.Lora"/>, ignored in full mode.</summary>
    public LoraSettings? Lora { get; init; }

    /// <summary>Stores frozen base linear weights of the decoder and vision tower (lora mode only); null = plain weights.</summary>
    public IQuantizerPlugin? Quantizer { get; init; }

    /// <summary>Block size and double quantization for <see cref="Quantizer"/>.</summary>
    public QuantizationOptions QuantizationOptions { get; init; } = new();

    /// <summary>The dtype of activations and frozen weights (float32, bfloat16 or float16); trainable weights stay float32.</summary>
    public ScalarType ComputeDtype { get; init; } = ScalarType.Float32;

    /// <summary>Recompute each decoder layer and vision block in backward instead of keeping activations.</summary>
    public bool GradientCheckpointing { get; init; }

    /// <summary>Where parameters live; null = CPU. The meta device builds shapes without memory.</summary>
    public Device? Device { get; init; }

    /// <summary>The quantizer that replaces frozen linear layers: <see cref="Quantizer"/> unless it keeps plain linears (<c>none</c>).</summary>
    public IQuantizerPlugin? StoringQuantizer => Quantizer is { KeepsPlainLinears: false } quantizer ? quantizer : null;

    /// <summary>Throws <see cref="ArgumentException"/> when the combination cannot work.</summary>
    public void Validate()
    {
        if (ComputeDtype is not (ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16))
        {
            throw new ArgumentException($"The compute dtype must be Float32, BFloat16 or Float16, not {ComputeDtype}.", nameof(ComputeDtype));
        }
        if (Mode == TrainingMode.Lora && Lora is null)
        {
            throw new ArgumentException("Training mode lora needs LoRA settings (rank, alpha, dropout, target modules).", nameof(Lora));
        }
        if (Mode == TrainingMode.Full && StoringQuantizer is { } quantizer)
        {
            throw new ArgumentException(
                $"Full fine-tuning trains every weight, so none can be stored by the '{quantizer.Identity.Name}' quantizer. " +
                "Use training_mode = \"lora\" or quantization = \"none\".",
                nameof(Quantizer));
        }
    }
}
