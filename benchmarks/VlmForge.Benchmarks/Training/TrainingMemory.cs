using System.Globalization;
using TorchSharp;
using VlmForge.Models.Tiny;
using static TorchSharp.torch;

namespace VlmForge.Benchmarks.Training;

/// <summary>Bytes of what training keeps for the trainable weights: the weights, their gradients and AdamW's two moments.</summary>
public sealed record TrainableStateBytes(long Elements, long Parameters, long Gradients, long OptimizerMoments)
{
    public long Total => Parameters + Gradients + OptimizerMoments;
}

/// <summary>Bytes held for the frozen base: its linear layers (what a quantizer stores) and every frozen tensor.</summary>
/// <param name="LinearWeights">Elements of the base linear layers a quantizer may store (decoder and vision tower).</param>
/// <param name="LinearBytes">Bytes those layers hold: dense weights and biases, or 4-bit codes, scales and biases.</param>
/// <param name="FrozenBytes">Every frozen parameter and buffer (embeddings, norms, head included), as the parameter table counts them.</param>
public sealed record FrozenBaseBytes(long LinearWeights, long LinearBytes, long FrozenBytes);

/// <summary>
/// Counts bytes from the tensors themselves (element count x element size of each parameter, gradient, moment and
/// buffer), so the numbers are what the process holds, not formulas. They are deterministic: computing them once is
/// enough (<c>--sizes</c>), and <see cref="LoraVsFullBenchmarks"/> shows the trainable state beside its timings.
/// </summary>
internal static class TrainingMemory
{
    /// <summary>Trainable state of <paramref name="rig"/> after one engine step (so every gradient exists).</summary>
    public static TrainableStateBytes TrainableState(TrainingRig rig)
    {
        ArgumentNullException.ThrowIfNull(rig);
        if (rig.Optimizer.StepCount == 0) rig.EngineStep();
        long elements = 0, parameters = 0, gradients = 0, moments = 0;
        foreach (var p in rig.Model.TrainableParameters())
        {
            elements += p.Parameter.numel();
            parameters += Bytes(p.Parameter);
            gradients += p.Parameter.grad is { } g ? Bytes(g) : 0;
        }
        foreach (var (name, state) in rig.Optimizer.SaveState())
        {
            // The state is a copy; "step" is one scalar, not per-weight state.
            if (name != "step") moments += Bytes(state);
            state.Dispose();
        }
        return new TrainableStateBytes(elements, parameters, gradients, moments);
    }

    /// <summary>The frozen base of <paramref name="rig"/>; <paramref name="linearPaths"/> are the quantizable linear layers' module paths.</summary>
    public static FrozenBaseBytes FrozenBase(TrainingRig rig, IReadOnlyList<string> linearPaths)
    {
        ArgumentNullException.ThrowIfNull(rig);
        ArgumentNullException.ThrowIfNull(linearPaths);
        var module = (nn.Module)rig.Model;
        var prefixes = linearPaths.Select(p => p + ".").ToArray();
        bool InLinear(string name) => prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));
        long linearBytes = module.named_parameters().Where(p => InLinear(p.name)).Sum(p => Bytes(p.parameter))
                           + module.named_buffers().Where(b => InLinear(b.name)).Sum(b => Bytes(b.buffer));
        long linearWeights = ((TinyVlm)rig.Model).QuantizedLinears is { Count: > 0 } quantized
            ? quantized.Sum(q => q.ParameterCount)
            : module.named_parameters().Where(p => InLinear(p.name)).Sum(p => p.parameter.numel());
        return new FrozenBaseBytes(linearWeights, linearBytes, rig.Model.DescribeParameters().FrozenBytes);
    }

    /// <summary>The quantizable linear layers of the tiny model in LoRA mode, as the NF4 quantizer stores them.</summary>
    public static IReadOnlyList<string> QuantizableLinearPaths()
    {
        using var rig = new TrainingRig(new TrainingVariant(VlmForge.Settings.TrainingMode.Lora, "nf4", "fp32"));
        return ((TinyVlm)rig.Model).QuantizedLinears.Select(q => q.Path).ToArray();
    }

    /// <summary>Prints the byte counts of issue 5: LoRA against full trainable state, NF4 against no quantization.</summary>
    public static void Report(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine("Trainable state after one step (weights + gradients + AdamW exp_avg and exp_avg_sq), tiny preset, batch 16:");
        output.WriteLine();
        output.WriteLine("| Training | Trainable weights | Weights | Gradients | AdamW moments | Total |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        var states = new List<TrainableStateBytes>();
        foreach (var variant in new[] { TrainingVariant.FullFp32, TrainingVariant.LoraFp32 })
        {
            using var rig = new TrainingRig(variant);
            var s = TrainingMemory.TrainableState(rig);
            states.Add(s);
            output.WriteLine(Invariant($"| {variant} | {s.Elements:N0} | {Size(s.Parameters)} | {Size(s.Gradients)} | {Size(s.OptimizerMoments)} | {Size(s.Total)} |"));
        }
        output.WriteLine(Invariant($"\nLoRA keeps {100.0 * states[1].Total / states[0].Total:0.##}% of full fine-tuning's trainable state ({states[0].Total / (double)states[1].Total:0.#}x less)."));
        output.WriteLine();

        var paths = QuantizableLinearPaths();
        output.WriteLine(Invariant($"Frozen base in LoRA mode ({paths.Count} linear layers of the decoder and vision tower are quantizable):"));
        output.WriteLine();
        output.WriteLine("| Compute dtype | Quantization | Base linear weights | Base linear bytes | vs none | All frozen bytes | vs none |");
        output.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var precision in new[] { "fp32", "bf16" })
        {
            FrozenBaseBytes? none = null;
            foreach (var (quantization, doubleQuantization) in new[] { ("none", false), ("nf4", false), ("nf4", true) })
            {
                using var rig = new TrainingRig(new TrainingVariant(VlmForge.Settings.TrainingMode.Lora, quantization, precision, doubleQuantization));
                var f = FrozenBase(rig, paths);
                none ??= f;
                var name = doubleQuantization ? "nf4 + double quantization" : quantization;
                output.WriteLine(Invariant(
                    $"| {precision} | {name} | {f.LinearWeights:N0} | {Size(f.LinearBytes)} | {(double)f.LinearBytes / none.LinearBytes:0.###} | {Size(f.FrozenBytes)} | {(double)f.FrozenBytes / none.FrozenBytes:0.###} |"));
            }
        }
    }

    private static long Bytes(Tensor t) => t.numel() * t.ElementSize;

    private static string Size(long bytes) => Invariant($"{bytes:N0} B ({bytes / 1048576.0:0.00} MiB)");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
