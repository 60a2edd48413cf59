using VlmForge.Engine.Planning.Memory;
using VlmForge.Models.Training;
using VlmForge.Settings;

namespace VlmForge.Engine.Planning.Remedies;

/// <summary>
/// What to change when a plan does not fit a GPU comfortably: the page's remedies in its order, each applied on top of
/// the ones before, until the estimate is within 80% of the GPU. A remedy that is already in place is skipped. Remedies
/// after the batch one also pick the largest batch that then fits, keeping the effective batch.
/// </summary>
internal static class RemedyAdvisor
{
    /// <summary>Largest batch size the batch search tries.</summary>
    public const int MaxBatchSize = 4096;

    /// <summary>The remedies for <paramref name="input"/> on <paramref name="gpu"/>; empty when it already fits comfortably.</summary>
    /// <param name="input">The plan as configured.</param>
    /// <param name="gpu">The GPU.</param>
    /// <param name="smallerModels">Smaller sizes of the family, next smaller first (empty when there are none).</param>
    /// <param name="loraForQuantization">The adapters to train when a full fine-tuning workflow switches to QLoRA.</param>
    /// <param name="nf4">What the <c>nf4</c> quantizer stores (the page's "Enable quantization (NF4)").</param>
    public static IReadOnlyList<Remedy> Suggest(PlanInput input, GpuBudget gpu, IReadOnlyList<SmallerModel> smallerModels, LoraPlan loraForQuantization,
        QuantizationPlan nf4)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(gpu);
        ArgumentNullException.ThrowIfNull(smallerModels);
        ArgumentNullException.ThrowIfNull(loraForQuantization);
        ArgumentNullException.ThrowIfNull(nf4);
        var remedies = new List<Remedy>();
        var current = input;
        if (gpu.IsComfortable(MemoryEstimator.Estimate(current).TotalBytes))
            return remedies;

        bool Add(RemedyKind kind, string title, string change, PlanInput next)
        {
            var estimate = MemoryEstimator.Estimate(next);
            var before = MemoryEstimator.Estimate(current).TotalBytes;
            string? note = estimate.TotalBytes < before ? null : WhyNoSaving(kind, next);
            remedies.Add(new Remedy(kind, title, change, estimate, gpu.Fit(estimate.TotalBytes), note));
            current = next;
            return gpu.IsComfortable(estimate.TotalBytes);
        }

        if (current.Mode == TrainingMode.Full)
        {
            var next = current with { Mode = TrainingMode.Lora, Lora = loraForQuantization, Quantization = nf4 };
            if (Add(RemedyKind.Quantize, "Enable quantization (NF4)",
                    "training_mode = \"lora\", quantization = \"nf4\" (QLoRA: full fine-tuning cannot store 4-bit weights)", next))
                return remedies;
        }
        else if (!current.Quantization.Quantized)
        {
            if (Add(RemedyKind.Quantize, "Enable quantization (NF4)", "quantization = \"nf4\"",
                    current with { Quantization = nf4 }))
                return remedies;
        }

        if (current.BatchSize > 1)
        {
            var next = BestBatch(current, gpu, current.BatchSize - 1);
            if (Add(RemedyKind.SmallerBatch, "Smaller batch with gradient accumulation", BatchChange(next), next))
                return remedies;
        }

        if (!current.GradientCheckpointing)
        {
            var next = BestBatch(current with { GradientCheckpointing = true }, gpu, current.EffectiveBatch);
            if (Add(RemedyKind.GradientCheckpointing, "Gradient checkpointing", "gradient_checkpointing = true" + BatchSuffix(current, next), next))
                return remedies;
        }

        if (smallerModels.Count > 0)
        {
            PlanInput? chosen = null;
            SmallerModel? model = null;
            foreach (var smaller in smallerModels)
            {
                model = smaller;
                chosen = BestBatch(current with { Model = smaller.Shape }, gpu, current.EffectiveBatch);
                if (gpu.IsComfortable(MemoryEstimator.Estimate(chosen).TotalBytes))
                    break;
            }
            if (Add(RemedyKind.SmallerModel, "Smaller model size", $"size = \"{model!.Size}\" ({model.Label})" + BatchSuffix(current, chosen!), chosen!))
                return remedies;
        }

        if (current.Precision.BytesPerValue > 2)
        {
            var next = BestBatch(current with { Precision = PrecisionPlan.Bf16 }, gpu, current.EffectiveBatch);
            Add(RemedyKind.SixteenBitPrecision, "16-bit precision (BFloat16)", "precision = \"bf16\"" + BatchSuffix(current, next), next);
        }
        return remedies;
    }

    /// <summary>
    /// The largest batch size, at most <paramref name="maxBatch"/>, dividing the effective batch, whose estimate stays
    /// within 80% of the GPU; accumulation makes up the rest. Batch 1 when none does.
    /// </summary>
    public static PlanInput BestBatch(PlanInput input, GpuBudget gpu, int maxBatch)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(gpu);
        int effective = input.EffectiveBatch;
        for (int batch = Math.Min(maxBatch, effective); batch > 1; batch--)
        {
            if (effective % batch != 0)
                continue;
            var candidate = input with { BatchSize = batch, GradientAccumulation = effective / batch };
            if (gpu.IsComfortable(MemoryEstimator.Estimate(candidate).TotalBytes))
                return candidate;
        }
        return input with { BatchSize = 1, GradientAccumulation = effective };
    }

    /// <summary>The largest batch size (up to <see cref="MaxBatchSize"/>) whose estimate stays within 80% of the GPU; 0 when not even 1 does.</summary>
    public static int LargestComfortableBatch(PlanInput input, GpuBudget gpu)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(gpu);
        bool Fits(int batch) => gpu.IsComfortable(MemoryEstimator.Estimate(input with { BatchSize = batch }).TotalBytes);
        if (!Fits(1))
            return 0;
        int low = 1, high = MaxBatchSize;
        if (Fits(high))
            return high;
        while (high - low > 1)
        {
            int middle = low + (high - low) / 2;
            if (Fits(middle))
                low = middle;
            else
                high = middle;
        }
        return low;
    }

    private static string WhyNoSaving(RemedyKind kind, PlanInput next) =>
        kind == RemedyKind.Quantize && !next.GradientCheckpointing && MemoryEstimator.QuantizedLinearsKeepDequantizedWeights
            ? "no saving yet: without gradient checkpointing every 4-bit weight is kept dequantized for backward"
            : "no saving at this size";

    private static string BatchChange(PlanInput next) =>
        $"batch_size = {next.BatchSize}, gradient_accumulation = {next.GradientAccumulation} (effective batch {next.EffectiveBatch} kept)";

    private static string BatchSuffix(PlanInput before, PlanInput after) =>
        before.BatchSize == after.BatchSize ? "" : ", " + BatchChange(after);
}
