using VlmForge.Engine.Planning.Architecture;
using VlmForge.Models.Training;
using VlmForge.Settings;

namespace VlmForge.Engine.Planning.Memory;

/// <summary>
/// What trains and where gradients flow, and so what autograd keeps. Gradients flow from the loss back to the earliest
/// trainable weight: pixels need none, so the vision stack keeps activations only when it trains itself, the connector
/// when it or the vision stack trains, the decoder when anything before the head trains.
/// </summary>
internal sealed class GradientFlow
{
    private readonly PlanInput input;

    public GradientFlow(PlanInput input)
    {
        this.input = input;
        Full = input.Mode == TrainingMode.Full;
        ComputeBytes = input.Precision.BytesPerValue;
        Rank = Full ? 0 : input.Lora!.Rank;
        Dropout = Full ? 0 : input.Lora!.Dropout;
        Quantized = !Full && input.Quantization.Quantized;
        VisionStores = Trains(ModelPart.Vision);
        ConnectorStores = VisionStores || Trains(ModelPart.Connector);
        DecoderStores = ConnectorStores || Trains(ModelPart.Decoder);
    }

    /// <summary>Full fine-tuning: every weight trains.</summary>
    public bool Full { get; }

    /// <summary>Bytes per value of the compute dtype.</summary>
    public int ComputeBytes { get; }

    /// <summary>LoRA rank (0 in full mode).</summary>
    public int Rank { get; }

    /// <summary>Adapter dropout (0 in full mode).</summary>
    public double Dropout { get; }

    /// <summary>Whether the stacks' frozen linears are stored 4-bit.</summary>
    public bool Quantized { get; }

    /// <summary>Whether the vision stack keeps activations for backward.</summary>
    public bool VisionStores { get; }

    /// <summary>Whether the connector keeps activations for backward.</summary>
    public bool ConnectorStores { get; }

    /// <summary>Whether the decoder keeps activations for backward.</summary>
    public bool DecoderStores { get; }

    /// <summary>Whether the compute dtype is narrower than the float32 master weights, so a matmul reads a cast copy.</summary>
    public bool CastsTrainableWeights => ComputeBytes < sizeof(float);

    /// <summary>Whether <paramref name="linear"/> gets a LoRA adapter.</summary>
    public bool Targeted(LinearShape linear) => !Full && input.Lora!.Targets(linear.Name);

    /// <summary>Whether any weight of <paramref name="part"/> trains.</summary>
    public bool Trains(ModelPart part)
    {
        var model = input.Model;
        if (Full)
            return model.PartParameters(part) > 0;
        return model.Stacks.Where(s => s.Part == part).SelectMany(s => s.Linears).Any(Targeted)
            || model.Linears.Where(l => l.Part == part).Any(l => Targeted(l.Linear));
    }

    /// <summary>Whether the stack keeps activations for backward.</summary>
    public bool Stores(TransformerStack stack) => stack.Part == ModelPart.Vision ? VisionStores : DecoderStores;

    /// <summary>Trainable parameters.</summary>
    public long TrainableParameters()
    {
        var model = input.Model;
        if (Full)
            return model.TotalParameters;
        return model.Stacks.Sum(s => s.Layers * s.Linears.Where(Targeted).Sum(l => l.LoraParameterCount(Rank)))
            + model.Linears.Where(l => Targeted(l.Linear)).Sum(l => l.Linear.LoraParameterCount(Rank));
    }

    /// <summary>
    /// Bytes per token that autograd keeps for the linears' backward: a trainable weight's gradient reads its input (once
    /// for every linear reading the same tensor); a LoRA adapter with dropout keeps its own dropout mask and dropped input
    /// (both in the compute dtype), without dropout it reads the shared input; A's rank-wide output is kept for B.
    /// </summary>
    public long LinearInputBytesPerToken(IEnumerable<LinearShape> linears)
    {
        long bytes = 0;
        foreach (var group in linears.GroupBy(l => l.Input, StringComparer.Ordinal))
        {
            long width = group.First().InFeatures;
            bool kept = Full;
            foreach (var linear in group.Where(Targeted))
            {
                if (Dropout > 0)
                    bytes += 2L * ComputeBytes * width;
                else
                    kept = true;
                bytes += (long)ComputeBytes * Rank;
            }
            if (kept)
                bytes += (long)ComputeBytes * width;
        }
        return bytes;
    }

    /// <summary>
    /// Bytes per token one layer keeps for backward: float32 copies of both norms' inputs (and the normalized values when
    /// the norm weights train), the linears' inputs, the fused attention kernel's query, key and value (keys and values
    /// repeated to every query head, as the engine does before the kernel), output and per-head log-sum-exp, and the MLP's
    /// non-linearity inputs (SwiGLU: gate output, SiLU output and up output; GELU: its input).
    /// </summary>
    public long LayerBytesPerToken(TransformerStack stack)
    {
        long c = ComputeBytes;
        long norms = 2 * sizeof(float) * stack.Width * (Full ? 2 : 1);
        long attention = 4 * c * stack.QueryWidth + sizeof(float) * (long)stack.Heads;
        long mlp = (stack.Mlp == MlpKind.SwiGlu ? 3 : 1) * c * stack.Intermediate;
        return norms + LinearInputBytesPerToken(stack.Linears) + attention + mlp;
    }

    /// <summary>
    /// Weight copies one layer's matmuls hand to autograd, which keeps them until backward: a 4-bit linear's dequantized
    /// weight (the built-in quantizers dequantize in forward and multiply with an ordinary linear, so the dequantized
    /// matrix is saved to compute the input's gradient), and compute-dtype casts of float32 weights (every weight in full
    /// fine-tuning, the adapters in LoRA).
    /// </summary>
    public WeightCopies WeightCopyBytes(IEnumerable<LinearShape> linears, bool quantizable)
    {
        long c = ComputeBytes;
        long dequantized = 0, casts = 0;
        foreach (var linear in linears)
        {
            if (quantizable && Quantized && MemoryEstimator.QuantizedLinearsKeepDequantizedWeights)
                dequantized += c * linear.WeightCount;
            if (Full && CastsTrainableWeights)
                casts += c * linear.WeightCount;
            if (Targeted(linear) && CastsTrainableWeights)
                casts += c * linear.LoraParameterCount(Rank);
        }
        return new WeightCopies(dequantized, casts);
    }
}

/// <summary>Bytes of dequantized 4-bit weights and of compute-dtype casts of float32 weights that autograd keeps.</summary>
internal readonly record struct WeightCopies(long Dequantized, long Casts)
{
    public long Total => Dequantized + Casts;

    public static WeightCopies operator +(WeightCopies a, WeightCopies b) => new(a.Dequantized + b.Dequantized, a.Casts + b.Casts);

    public static WeightCopies operator *(long times, WeightCopies a) => new(times * a.Dequantized, times * a.Casts);
}
