using VlmForge.Engine.Planning.Memory;

namespace VlmForge.Engine.Planning.Remedies;

/// <summary>The page's memory remedies, in the order it gives them.</summary>
internal enum RemedyKind
{
    /// <summary>"Enable quantization (NF4)" (QLoRA when the workflow trains every weight).</summary>
    Quantize,

    /// <summary>"Use gradient accumulation to simulate larger batches": a smaller batch, the same effective batch.</summary>
    SmallerBatch,

    /// <summary>Recompute activations in backward instead of keeping them.</summary>
    GradientCheckpointing,

    /// <summary>"Choose smaller model size".</summary>
    SmallerModel,

    /// <summary>"Reduce precision type to FP16/BF16".</summary>
    SixteenBitPrecision,
}

/// <summary>One remedy applied on top of the ones before it, and what the estimate becomes.</summary>
/// <param name="Kind">Which remedy.</param>
/// <param name="Title">The page's wording.</param>
/// <param name="Change">The settings to write in vlmforge.toml.</param>
/// <param name="Estimate">The estimate with this and every earlier remedy applied.</param>
/// <param name="Fit">How that estimate fits the GPU.</param>
/// <param name="Note">Why the estimate did not drop, when it did not.</param>
internal sealed record Remedy(RemedyKind Kind, string Title, string Change, MemoryEstimate Estimate, GpuFit Fit, string? Note = null);

/// <summary>A smaller size of the same family the "smaller model" remedy can switch to.</summary>
/// <param name="Size">The model.size value.</param>
/// <param name="Label">What it is, for example "Qwen/Qwen2.5-VL-3B-Instruct".</param>
/// <param name="Shape">Its architecture.</param>
internal sealed record SmallerModel(string Size, string Label, Architecture.ModelShape Shape);
