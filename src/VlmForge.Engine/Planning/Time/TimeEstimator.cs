using VlmForge.Engine.Planning.Architecture;
using VlmForge.Engine.Planning.Memory;

namespace VlmForge.Engine.Planning.Time;

/// <summary>
/// Rough step time from the operation count. A matmul over n tokens with W weights costs 2·n·W operations forward;
/// backward costs as much again for the input gradients wherever gradients flow, and again for the weight gradients of
/// trainable weights (in LoRA only the adapters'). Attention adds 4·s·(query width) per token and layer forward (half
/// for the causal decoder, whose fused kernel skips masked blocks) and twice that backward. Gradient checkpointing runs
/// each stored stack's forward once more.
/// </summary>
internal static class TimeEstimator
{
    /// <summary>
    /// The sustained 16-bit throughput assumed without --tflops: 100 TFLOP/s, about a third of an A100's bf16 peak or
    /// a sixth of an H100's, which is what fine-tuning with short sequences and small batches typically reaches.
    /// </summary>
    public const double DefaultSustainedTflops = 100;

    /// <summary>The page's figure: 16-bit formats run about twice as fast as float32.</summary>
    public const double Float32Slowdown = 2;

    /// <summary>Estimates the time of <paramref name="input"/>'s steps and of the whole run.</summary>
    /// <param name="input">The plan.</param>
    /// <param name="sustainedTflops">Sustained 16-bit TFLOP/s of the GPU.</param>
    /// <param name="trainExamples">Training examples per epoch, if known.</param>
    /// <param name="epochs">training.epochs.</param>
    /// <param name="maxSteps">training.max_steps (optimizer updates; 0 = no limit).</param>
    public static TimeEstimate Estimate(PlanInput input, double sustainedTflops, int? trainExamples, int epochs, int maxSteps)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!(sustainedTflops > 0) || double.IsInfinity(sustainedTflops))
            throw new ArgumentOutOfRangeException(nameof(sustainedTflops), sustainedTflops, "The sustained throughput must be a positive number of TFLOP/s.");
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxSteps);

        double flops = FlopsPerStep(input);
        double rate = sustainedTflops * 1e12 / (input.Precision.BytesPerValue >= sizeof(float) ? Float32Slowdown : 1);
        double seconds = flops / rate;
        long? stepsPerEpoch = trainExamples is int examples ? (examples + input.BatchSize - 1) / input.BatchSize : null;
        long? totalSteps = stepsPerEpoch is long perEpoch ? perEpoch * epochs : null;
        if (maxSteps > 0)
        {
            // The trainer's count: whole epochs of updates, then whole accumulation groups (without data, groups only).
            long limit = trainExamples is int known
                ? Training.TrainingPlan.StepsForUpdates(known, input.BatchSize, input.GradientAccumulation, maxSteps)
                : (long)maxSteps * input.GradientAccumulation;
            totalSteps = totalSteps is long total ? Math.Min(total, limit) : limit;
        }
        return new TimeEstimate(flops, sustainedTflops, seconds, trainExamples, stepsPerEpoch, totalSteps, totalSteps * seconds)
        {
            Epochs = epochs,
            MaxUpdates = maxSteps,
            GradientAccumulation = input.GradientAccumulation,
        };
    }

    /// <summary>Operations of one forward and backward pass of a batch of mean-length samples.</summary>
    public static double FlopsPerStep(PlanInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        input.Validate();
        var flow = new GradientFlow(input);
        var model = input.Model;
        var sequence = input.Sequence;
        double batch = input.BatchSize;
        double decoderTokens = batch * sequence.MeanTokensPerSample;
        double images = batch * sequence.ImagesPerSample;
        double total = 0;

        foreach (var stack in model.Stacks)
        {
            bool vision = stack.Part == ModelPart.Vision;
            double tokens = vision ? images * sequence.VisionTokensPerImage : decoderTokens;
            double context = vision ? sequence.VisionTokensPerImage : sequence.MeanTokensPerSample;
            double matmul = 2 * tokens * stack.Layers * stack.LinearWeightsPerLayer;
            double adapters = 2 * tokens * stack.Layers * stack.Linears.Where(flow.Targeted).Sum(l => l.LoraParameterCount(flow.Rank));
            double attention = 4 * tokens * context * stack.QueryWidth * stack.Layers * (stack.Causal ? 0.5 : 1);
            total += Pass(matmul + adapters, attention, flow.Stores(stack), flow.Full ? matmul : adapters);
            if (input.GradientCheckpointing && flow.Stores(stack))
                total += matmul + adapters + attention;
        }

        double imageTokens = images * sequence.ImageTokensPerImage;
        foreach (var part in new[] { ModelPart.Connector, ModelPart.Head })
        {
            double tokens = part == ModelPart.Connector ? imageTokens : decoderTokens;
            var linears = model.Linears.Where(l => l.Part == part).Select(l => l.Linear).ToList();
            double matmul = 2 * tokens * linears.Sum(l => l.WeightCount);
            if (part == ModelPart.Head && model.TiedHead)
                matmul += 2 * tokens * model.Decoder.Width * model.VocabSize;
            double adapters = 2 * tokens * linears.Where(flow.Targeted).Sum(l => l.LoraParameterCount(flow.Rank));
            bool flows = part == ModelPart.Connector ? flow.ConnectorStores : flow.DecoderStores;
            total += Pass(matmul + adapters, 0, flows, flow.Full ? matmul : adapters);
        }
        return total;
    }

    private static double Pass(double matmul, double attention, bool gradientFlows, double weightGradients) =>
        matmul + attention + (gradientFlows ? matmul + 2 * attention : 0) + weightGradients;
}
