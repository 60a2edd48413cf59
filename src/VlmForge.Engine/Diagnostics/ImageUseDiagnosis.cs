using VlmForge.Data.Batching;
using VlmForge.Data.Tasks;
using VlmForge.Engine.Pipeline;
using VlmForge.Models.Inspection;
using VlmForge.Models.Modeling;
using static TorchSharp.torch;

namespace VlmForge.Engine.Diagnostics;

/// <summary>
/// Measures whether a trained model uses its images, per task: the answer loss with the right images against the loss
/// with each batch's images rolled so that each row gets another record's image (a model that reads images gets worse, one that answers from priors does not),
/// where the decoder's attention goes, and how much the image tokens differ between images.
/// </summary>
public static class ImageUseDiagnosis
{
    /// <param name="context">An opened run (<see cref="RunLoader"/>).</param>
    /// <param name="examples">Examples to measure, any tasks.</param>
    /// <param name="maxPerTask">At most this many examples of each task.</param>
    /// <param name="batchSize">Rows per forward pass (the swapped images come from the same batch).</param>
    public static ImageUseReport Run(RunContext context, IReadOnlyList<TaskExample> examples, int maxPerTask = 64, int batchSize = 16)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPerTask);
        context.Model.train(false);
        var tasks = new List<TaskImageUse>();
        foreach (var group in examples.GroupBy(e => e.Task).OrderBy(g => g.Key))
        {
            var chosen = group.Take(maxPerTask).ToList();
            // A record's examples (its questions) are neighbours; rolling the images by the most examples one record has
            // always hands a row the image of another record.
            int shift = chosen.GroupBy(e => e.Record).Max(g => g.Count());
            if (chosen.Count > shift)
            {
                tasks.Add(Measure(context, group.Key, chosen, Math.Max(batchSize, 2 * shift), shift));
            }
        }
        return new ImageUseReport(tasks);
    }

    private static TaskImageUse Measure(RunContext context, TaskKind task, IReadOnlyList<TaskExample> examples, int batchSize, int shift)
    {
        double lossSum = 0, shuffledSum = 0;
        long tokens = 0;
        var shares = new List<double[]>();
        var weights = new List<long>();
        var imageTokens = new List<Tensor>();
        try
        {
            for (int start = 0; start < examples.Count; start += batchSize)
            {
                var rows = examples.Skip(start).Take(batchSize).ToList();
                if (rows.Count <= shift)
                {
                    break; // too few rows to borrow another record's image
                }
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var items = rows.Select(e => BatchInputs.TrainingItem(context.Encoder, context.Images, e)).ToList();
                using var batch = context.Collator.CollateForTraining(items);
                // Row i gets row (i - shift)'s image, its placeholders re-encoded for that image's size (the same answer
                // tokens, so the two losses count the same positions).
                using var swapped = context.Collator.CollateForTraining(rows
                    .Select((e, i) => BatchInputs.TrainingItem(context.Encoder, items[(i - shift + rows.Count) % rows.Count].Image, e))
                    .ToList());
                var device = context.Device;
                var inputs = batch.ToInputs(device);
                var (ids, labels) = (inputs.InputIds, inputs.Labels!);

                var imageKeys = ids == context.Encoder.ImageTokenId;
                var queries = zeros_like(imageKeys);
                queries[.., ..^1] = labels[.., 1..] != VlmInputs.IgnoreIndex; // position t predicts label t+1
                using var probe = new AttentionProbe(imageKeys, queries);
                VlmOutput right;
                using (probe.Listen())
                {
                    right = context.Model.Forward(inputs);
                }
                var rolled = context.Model.Forward(swapped.ToInputs(device));

                var count = right.LabelTokens!.item<long>();
                lossSum += right.LossSum!.item<float>();
                shuffledSum += rolled.LossSum!.item<float>();
                tokens += count;
                shares.Add([.. probe.ImageAttentionShare]);
                weights.Add(count);
                if (probe.ImageTokens is { } seen)
                {
                    foreach (var image in ImagesOf(seen, imageKeys))
                    {
                        image.DetachFromDisposeScope();
                        imageTokens.Add(image);
                    }
                }
            }
            return new TaskImageUse(
                task, examples.Count,
                tokens == 0 ? 0 : lossSum / tokens,
                tokens == 0 ? 0 : shuffledSum / tokens,
                WeightedLayerShares(shares, weights),
                TokenSpread(imageTokens));
        }
        finally
        {
            foreach (var t in imageTokens)
            {
                t.Dispose();
            }
        }
    }

    /// <summary>Each row's image tokens [tokens, width] (rows of a mixed-size batch hold different numbers of them).</summary>
    private static IEnumerable<Tensor> ImagesOf(Tensor flat, Tensor imageKeys)
    {
        var perRow = imageKeys.sum(1).cpu().data<long>().ToArray();
        if (perRow.Sum() != flat.shape[0])
        {
            yield break; // the probe saw tokens that are not the batch's placeholders
        }
        long start = 0;
        foreach (var count in perRow.Where(c => c > 0))
        {
            yield return flat.narrow(0, start, count);
            start += count;
        }
    }

    private static IReadOnlyList<double> WeightedLayerShares(IReadOnlyList<double[]> shares, IReadOnlyList<long> weights)
    {
        int layers = shares.Count == 0 ? 0 : shares.Max(s => s.Length);
        var result = new double[layers];
        double total = weights.Sum();
        for (int i = 0; i < shares.Count; i++)
        {
            for (int layer = 0; layer < shares[i].Length; layer++)
            {
                result[layer] += shares[i][layer] * weights[i] / Math.Max(total, 1);
            }
        }
        return result;
    }

    /// <summary>
    /// How much image tokens differ between images: the RMS deviation of each token from that token's mean over the images,
    /// relative to the tokens' RMS size. Token i of one image corresponds to token i of another only when both have as many
    /// tokens (Qwen2.5-VL sizes each image on its own, split SmolVLM images have their own tile counts), so images are
    /// compared within groups of equal token counts, the deviations pooled over the groups; when no two images share a
    /// count, each image's mean token is compared instead. NaN with fewer than two images.
    /// </summary>
    /// <param name="images">Each image's tokens, [tokens, width].</param>
    public static double TokenSpread(IReadOnlyList<Tensor> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count < 2)
        {
            return double.NaN;
        }
        using var scope = NewDisposeScope();
        var groups = images.GroupBy(i => i.shape[0]).Where(g => g.Count() >= 2).Select(g => stack([.. g], 0)).ToList();
        if (groups.Count == 0)
        {
            groups = [stack(images.Select(i => i.to(ScalarType.Float32).mean([0])).ToArray(), 0).unsqueeze(1)];
        }
        double squares = 0, size = 0;
        long values = 0;
        foreach (var group in groups.Select(g => g.to(ScalarType.Float64))) // [images, tokens, width]
        {
            squares += (group - group.mean([0], keepdim: true)).pow(2).sum().item<double>();
            size += group.pow(2).sum().item<double>();
            values += group.numel();
        }
        return size == 0 ? 0 : Math.Sqrt(squares / values) / Math.Sqrt(size / values);
    }
}
