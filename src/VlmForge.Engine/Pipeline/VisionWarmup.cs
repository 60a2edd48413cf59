using System.Globalization;
using VlmForge.Data.Batching;
using VlmForge.Data.Images;
using VlmForge.Data.Randomness;
using VlmForge.Engine.Runtime;
using VlmForge.Models.Detection;
using static TorchSharp.torch;

namespace VlmForge.Engine.Pipeline;

/// <summary>
/// Trains a vision side with its own objective (the tiny model's detector) alone, on the annotated images, before the
/// language model starts: the decoder then reads informative image tokens from its first step instead of learning to do
/// without them. Images are drawn in a seeded order, so the same run gives the same weights.
/// </summary>
internal static class VisionWarmup
{
    public static void Run(
        IVisionObjective objective, IReadOnlyList<(PreparedImage Image, IReadOnlyList<RegionAnnotation> Regions)> images,
        IReadOnlyList<(PreparedImage Image, IReadOnlyList<RegionAnnotation> Regions)> heldOut,
        int steps, int batchSize, double learningRate, ulong seed, Device device, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(heldOut);
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(log);
        if (steps <= 0)
        {
            return;
        }
        if (images.Count == 0)
        {
            throw new WorkflowException(
                "training.vision_warmup_steps needs training records with phrase grounding (the detector learns from their boxes); " +
                "this dataset has none. Set vision_warmup_steps = 0.");
        }
        using var optimizer = optim.AdamW(objective.ObjectiveParameters, lr: learningRate, weight_decay: 0);
        var random = SplitMix64.For(seed, 0x5649_5349_4F4E); // "VISION": a stream of its own, apart from the data order
        var order = Enumerable.Range(0, images.Count).ToList();
        int cursor = order.Count;
        var recent = new Dictionary<string, double>(StringComparer.Ordinal);
        var names = new List<string>();
        int take = Math.Min(batchSize, images.Count);
        for (int step = 1; step <= steps; step++)
        {
            using var quiet = NoGcRegion.Enter();
            using var scope = NewDisposeScope();
            var chosen = new List<int>(take);
            while (chosen.Count < take)
            {
                if (cursor == order.Count)
                {
                    random.Shuffle(order);
                    cursor = 0;
                }
                chosen.Add(order[cursor++]);
            }
            var pixels = stack(chosen.Select(i => images[i].Image.ToTensor()).ToArray()).to(device);
            var regions = chosen.Select(i => ModelRegions.From(images[i].Regions)).ToArray();
            optimizer.zero_grad();
            var loss = objective.ObjectiveLoss(pixels, regions);
            loss.Total.backward();
            optimizer.step();
            foreach (var (name, value) in loss.Parts.Prepend(("loss", loss.Total)))
            {
                if (!names.Contains(name))
                {
                    names.Add(name);
                }
                recent[name] = recent.GetValueOrDefault(name) + value.item<float>();
            }
            if (step % 50 == 0 || step == steps)
            {
                int window = step % 50 == 0 ? 50 : step % 50;
                log.WriteLine($"vision warm-up: step {step}/{steps}: {Format(names.Select(n => (n, recent[n] / window)))}");
                recent.Clear();
                if (heldOut.Count > 0 && (step % 250 == 0 || step == steps))
                {
                    log.WriteLine($"vision warm-up: held-out images at step {step}: {Format(Measure(objective, heldOut, batchSize, device))}");
                }
            }
        }
        optimizer.zero_grad();
    }

    /// <summary>The objective's parts averaged over held-out images, without training: what the detector generalizes.</summary>
    private static List<(string Name, double Value)> Measure(
        IVisionObjective objective, IReadOnlyList<(PreparedImage Image, IReadOnlyList<RegionAnnotation> Regions)> images,
        int batchSize, Device device)
    {
        var sums = new List<(string Name, double Value)>();
        int batches = 0;
        using var noGrad = no_grad();
        for (int start = 0; start < images.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var chosen = images.Skip(start).Take(batchSize).ToArray();
            var pixels = stack(chosen.Select(i => i.Image.ToTensor()).ToArray()).to(device);
            var loss = objective.ObjectiveLoss(pixels, chosen.Select(i => ModelRegions.From(i.Regions)).ToArray());
            var parts = loss.Parts.Prepend(("loss", loss.Total)).ToArray();
            for (int p = 0; p < parts.Length; p++)
            {
                double value = parts[p].Item2.item<float>();
                if (sums.Count <= p)
                    sums.Add((parts[p].Item1, 0));
                sums[p] = (sums[p].Name, sums[p].Value + value);
            }
            batches++;
        }
        return sums.Select(s => (s.Name, s.Value / batches)).ToList();
    }

    private static string Format(IEnumerable<(string Name, double Value)> parts) =>
        string.Join(", ", parts.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name} {p.Value:F3}")));
}
