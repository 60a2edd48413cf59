using VlmForge.Data.Batching;
using VlmForge.Data.Images;
using VlmForge.Data.Tasks;
using VlmForge.Engine.Generation;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Runtime;
using VlmForge.Models.Modeling;
using static TorchSharp.torch;

namespace VlmForge.Engine.Evaluation;

/// <summary>A teacher-forced loss: mean cross-entropy per answer token over a set of examples.</summary>
/// <param name="Loss">Summed token losses / <paramref name="Tokens"/>; NaN when there is no answer token.</param>
/// <param name="Tokens">Answer tokens the loss covers.</param>
/// <param name="Examples">Examples it covers.</param>
public sealed record LossResult(double Loss, long Tokens, int Examples);

/// <summary>
/// The validation loss: the examples encoded exactly as for training, batched in order, the model's summed cross-entropy
/// divided by the number of answer tokens over all batches (so it does not depend on the batch size, unlike a mean of
/// batch means).
/// </summary>
internal static class ValidationLoss
{
    /// <summary>Computes the loss without gradients, in evaluation mode.</summary>
    public static LossResult Compute(GenerationContext context, PreparedImageCache images, IReadOnlyList<TaskExample> examples, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        context.Validate();
        var model = context.Model;
        var device = context.Device ?? CPU;
        model.train(false);
        using var noGrad = no_grad();
        double lossSum = 0;
        long tokens = 0;
        for (int start = 0; start < examples.Count; start += batchSize)
        {
            using var quiet = NoGcRegion.Enter();
            using var scope = NewDisposeScope();
            var items = examples.Skip(start).Take(batchSize)
                .Select(e => BatchInputs.TrainingItem(context.Encoder, images, e))
                .ToArray();
            using var batch = context.Collator.CollateForTraining(items);
            var output = model.Forward(batch.ToInputs(device));
            lossSum += output.LossSum!.to(ScalarType.Float64).item<double>();
            tokens += output.LabelTokens!.item<long>();
        }
        return new LossResult(tokens == 0 ? double.NaN : lossSum / tokens, tokens, examples.Count);
    }
}
