using System.Globalization;
using VlmForge.Engine.Planning.Architecture;
using static VlmForge.Engine.Planning.Quantities;

namespace VlmForge.Engine.Planning.Memory;

/// <summary>
/// The peak memory of one training step on a GPU, from the architecture and the settings: frozen weights as stored,
/// trainable weights with gradients and optimizer state, what autograd keeps between forward and backward, and the
/// framework's own memory. Pure arithmetic: nothing is allocated.
/// </summary>
/// <remarks>
/// Activations follow what the engine's modules hand to autograd (see <see cref="GradientFlow"/>): mixed precision is
/// explicit (norms and the loss in float32, everything else in the compute dtype) and attention runs in a fused kernel,
/// so no sequence x sequence score matrix is kept. The peak is taken at the start of backward, when everything forward
/// kept is still alive and the loss's logits buffers are largest; with gradient checkpointing the recomputed layer adds
/// only what it needs beyond those buffers, which are freed by then.
/// </remarks>
internal static class MemoryEstimator
{
    /// <summary>
    /// CUDA context, kernel images and cuBLAS/cuDNN workspaces: what a PyTorch process holds on the GPU before its first
    /// tensor (0.5-1 GiB depending on the card and library versions; the upper end is planned).
    /// </summary>
    public const long FrameworkBaseBytes = 1L << 30;

    /// <summary>Share of the activation memory added for the caching allocator's fragmentation (tensors of varying shapes).</summary>
    public const double AllocatorFragmentation = 0.10;

    /// <summary>
    /// Float32 copies of the logits alive at the loss's backward: the logits the trainer holds, the log-softmax saved by
    /// cross-entropy, and the gradient flowing back; the compute-dtype logits gradient comes on top.
    /// </summary>
    public const int LogitsFloat32Copies = 3;

    /// <summary>
    /// Whether autograd keeps the 4-bit linears' dequantized weights until backward. The built-in quantizers do not: like
    /// bitsandbytes they dequantize again in backward (plugins/VlmForge.Plugins.Quantizers, DequantizingLinearFunction),
    /// so only the transient buffer of the layer being computed counts.
    /// </summary>
    public const bool QuantizedLinearsKeepDequantizedWeights = false;

    /// <summary>Estimates <paramref name="input"/>.</summary>
    /// <exception cref="PlanningException">The settings cannot run (for example LoRA targets that name no layer).</exception>
    public static MemoryEstimate Estimate(PlanInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        input.Validate();
        var flow = new GradientFlow(input);
        var model = input.Model;
        long c = flow.ComputeBytes;
        var terms = new List<MemoryTerm>();

        // Weights.
        long trainable = flow.TrainableParameters();
        long quantizedWeights = flow.Quantized ? model.Stacks.Sum(s => s.Layers * s.LinearWeightsPerLayer) : 0;
        if (flow.Quantized)
        {
            long stored = model.Stacks.Sum(s => s.Layers * s.Linears.Sum(l => input.Quantization.StorageBytes([l.OutFeatures, l.InFeatures], (int)c)));
            terms.Add(new("weights.quantized", MemoryCategory.Weights,
                $"frozen linear weights, {input.Quantization.Describe((int)c)}", stored,
                $"{Count(quantizedWeights)} weights of the {StackNames(model)} linears"));
        }
        if (!flow.Full)
        {
            long plain = model.TotalParameters - quantizedWeights;
            terms.Add(new("weights.frozen", MemoryCategory.Weights, $"frozen weights, {input.Precision.Name}", plain * c,
                $"{Count(plain)} parameters x {c} bytes ({(flow.Quantized ? "embeddings, norms, biases, connector, head" : "every base weight")})"));
        }
        string what = flow.Full ? "every weight" : $"LoRA r={flow.Rank} on {string.Join(", ", input.Lora!.TargetModules)}";
        terms.Add(new("trainable.weights", MemoryCategory.Trainable, "trainable weights, float32", trainable * sizeof(float),
            $"{Count(trainable)} parameters x 4 bytes ({what})"));
        terms.Add(new("trainable.gradients", MemoryCategory.Trainable, "gradients, float32", trainable * sizeof(float),
            $"{Count(trainable)} x 4 bytes"));
        terms.Add(new("trainable.optimizer", MemoryCategory.Trainable, $"optimizer state ({input.Optimizer.Name})",
            trainable * sizeof(float) * input.Optimizer.StateTensorsPerParameter,
            $"{Count(trainable)} x {input.Optimizer.StateTensorsPerParameter} float32 state tensor(s)" +
            (input.Optimizer.Known ? "" : " (unknown optimizer: Adam's two moments assumed)")));

        // Activations.
        var sequence = input.Sequence;
        long batch = input.BatchSize;
        long decoderTokens = batch * sequence.TokensPerSample;
        long imageTokens = batch * sequence.ImagesPerSample * sequence.ImageTokensPerImage;
        long visionTokens = batch * sequence.ImagesPerSample * sequence.VisionTokensPerImage;
        var copies = new WeightCopies();
        long recompute = 0;
        var stackTerms = new List<MemoryTerm>();
        foreach (var stack in model.Stacks)
        {
            if (!flow.Stores(stack))
                continue;
            long tokens = stack.Part == ModelPart.Vision ? visionTokens : decoderTokens;
            long perLayer = flow.LayerBytesPerToken(stack);
            long finalNorm = stack.FinalNorm ? sizeof(float) * stack.Width * tokens : 0;
            var layerCopies = flow.WeightCopyBytes(stack.Linears, quantizable: true);
            string part = stack.Part == ModelPart.Vision ? "vision" : "decoder";
            if (input.GradientCheckpointing)
            {
                stackTerms.Add(new($"activations.{part}", MemoryCategory.Activations, $"activations, {part} (layer inputs)",
                    stack.Layers * tokens * c * stack.Width + finalNorm,
                    $"{stack.Layers} layers x {Count(tokens)} tokens x {stack.Width} x {c} bytes (gradient checkpointing keeps each layer's input)"));
                recompute = Math.Max(recompute, tokens * perLayer + layerCopies.Total);
            }
            else
            {
                stackTerms.Add(new($"activations.{part}", MemoryCategory.Activations, $"activations, {part}",
                    stack.Layers * tokens * perLayer + finalNorm,
                    $"{stack.Layers} layers x {Count(tokens)} tokens x {Count(perLayer)} bytes per token and layer"));
                copies += stack.Layers * layerCopies;
            }
        }
        terms.AddRange(stackTerms.Where(t => t.Key == "activations.vision"));
        if (flow.ConnectorStores)
        {
            var connector = model.Linears.Where(l => l.Part == ModelPart.Connector).Select(l => l.Linear).ToList();
            var (normWidth, activationWidth) = model.ConnectorActivationWidths;
            long perToken = sizeof(float) * normWidth + c * activationWidth + flow.LinearInputBytesPerToken(connector);
            terms.Add(new("activations.connector", MemoryCategory.Activations, "activations, connector", imageTokens * perToken,
                $"{Count(imageTokens)} image tokens x {Count(perToken)} bytes"));
            copies += flow.WeightCopyBytes(connector, quantizable: false);
        }
        terms.AddRange(stackTerms.Where(t => t.Key == "activations.decoder"));

        var head = model.Linears.Where(l => l.Part == ModelPart.Head).Select(l => l.Linear).ToList();
        long headInput = flow.LinearInputBytesPerToken(head);
        long logits = decoderTokens * ((LogitsFloat32Copies * sizeof(float) + c) * model.VocabSize + headInput);
        terms.Add(new("activations.logits", MemoryCategory.Activations, "logits and loss", logits,
            $"{Count(decoderTokens)} tokens x {Count(model.VocabSize)} vocabulary x ({LogitsFloat32Copies} float32 copies + 1 in {input.Precision.Name})"));
        copies += flow.WeightCopyBytes(head, quantizable: false);
        if (flow.Full && flow.CastsTrainableWeights && model.TiedHead)
            copies += new WeightCopies(0, c * model.VocabSize * model.Decoder.Width); // the tied head multiplies by a cast of the embedding

        // Dequantizing builds each weight in float32 before casting it; the largest such buffer comes on top.
        long transient = flow.Quantized ? sizeof(float) * model.Stacks.SelectMany(s => s.Linears).Max(l => l.WeightCount) : 0;
        if (copies.Total + transient > 0)
        {
            terms.Add(new("activations.weight_copies", MemoryCategory.Activations, "weight copies kept for backward", copies.Total + transient,
                WeightCopyBasis(input, copies, transient)));
        }
        if (input.GradientCheckpointing && recompute > 0)
        {
            // Layers are recomputed after the loss's backward has freed its logits buffers, except the float32 logits the
            // trainer holds until the step ends: the peak is the larger of the two phases, so only the excess counts here.
            long held = decoderTokens * sizeof(float) * model.VocabSize;
            long excess = Math.Max(0, held + recompute - logits);
            terms.Add(new("activations.recompute", MemoryCategory.Activations, "recomputed layer (checkpointing)", excess,
                $"one layer's activations and weight copies ({FormatGiB(recompute)}) rebuilt in backward, beside the {FormatGiB(held)} " +
                "of float32 logits still held: counted beyond the logits' peak"));
        }

        long activations = terms.Where(t => t.Category == MemoryCategory.Activations).Sum(t => t.Bytes);
        long overhead = FrameworkBaseBytes + (long)Math.Round(activations * AllocatorFragmentation);
        terms.Add(new("overhead", MemoryCategory.Overhead, "framework overhead", overhead,
            string.Create(CultureInfo.InvariantCulture,
                $"CUDA context and library workspaces {FormatGiB(FrameworkBaseBytes)} + {AllocatorFragmentation * 100:0}% of activations (allocator fragmentation)")));

        return new MemoryEstimate
        {
            Input = input,
            Terms = terms.Where(t => t.Bytes > 0 || t.Key == "activations.recompute").ToList(),
            TotalParameters = model.TotalParameters,
            TrainableParameters = trainable,
            QuantizedWeights = quantizedWeights,
            TokensPerStep = decoderTokens,
        };
    }

    private static string StackNames(ModelShape model) => string.Join(" and ", model.Stacks.Select(s => s.Part == ModelPart.Vision ? "vision" : "decoder"));

    private static string WeightCopyBasis(PlanInput input, WeightCopies copies, long transient)
    {
        var parts = new List<string>();
        if (copies.Dequantized > 0)
            parts.Add($"{FormatGiB(copies.Dequantized)} of 4-bit weights dequantized to {input.Precision.Name}, kept by autograd until backward (gradient checkpointing avoids it)");
        if (copies.Casts > 0)
            parts.Add($"{FormatGiB(copies.Casts)} of {input.Precision.Name} casts of float32 weights, kept until backward");
        if (transient > 0)
            parts.Add($"{FormatGiB(transient)} for the largest weight's float32 buffer while it is dequantized");
        return string.Join("; ", parts);
    }
}
