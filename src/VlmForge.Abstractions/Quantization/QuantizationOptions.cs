namespace VlmForge.Abstractions.Quantization;

/// <summary>How weights are quantized.</summary>
/// <param name="DoubleQuantization">Quantize the per-block scales too (8-bit, blocks of 256), as QLoRA does.</param>
/// <param name="BlockSize">Weights per absmax block; 64 is the bitsandbytes default for 4-bit.</param>
public sealed record QuantizationOptions(bool DoubleQuantization = false, int BlockSize = 64);
