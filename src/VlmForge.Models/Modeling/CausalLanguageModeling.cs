using TorchSharp;
using VlmForge.Models.Modeling;
using static TorchSharp.torch;

namespace VlmForge.Models.Modeling;

/// <summary>Input checks, masks, positions and the loss shared by every decoder-only model (tiny and the families).</summary>
internal static class CausalLanguageModeling
{
    /// <summary>Checks input_ids [B, T] (int64, T > 0, ids in the vocabulary) and a mask of the same shape.</summary>
    /// <param name="idHint">What to check when an id is outside the vocabulary (which tokenizer belongs to the model).</param>
    public static (long Batch, long Length) CheckTokens(Tensor inputIds, Tensor? attentionMask, int vocabSize, string argument, string idHint)
    {
        ArgumentNullException.ThrowIfNull(inputIds, argument);
        if (inputIds.ndim != 2 || inputIds.dtype != ScalarType.Int64 || inputIds.shape[1] == 0)
        {
            throw new ArgumentException(
                $"input_ids must be int64 [B, T] with T > 0, got {inputIds.dtype} [{string.Join(", ", inputIds.shape)}].", argument);
        }
        if (attentionMask is not null && !attentionMask.shape.SequenceEqual(inputIds.shape))
        {
            throw new ArgumentException(
                $"attention_mask [{string.Join(", ", attentionMask.shape)}] must have the shape of input_ids [{string.Join(", ", inputIds.shape)}].",
                argument);
        }
        CheckIds(inputIds, vocabSize, argument, idHint);
        return (inputIds.shape[0], inputIds.shape[1]);
    }

    /// <summary>Checks that every id lies in [0, vocabSize).</summary>
    public static void CheckIds(Tensor ids, int vocabSize, string argument, string idHint)
    {
        ArgumentNullException.ThrowIfNull(ids, argument);
        using var scope = NewDisposeScope();
        if ((ids < 0).any().item<bool>() || (ids >= vocabSize).any().item<bool>())
        {
            throw new ArgumentException(
                $"Token ids must lie in [0, {vocabSize}); found {ids.min().item<long>()}..{ids.max().item<long>()}. {idHint}",
                argument);
        }
    }

    /// <summary>Whether every row is real tokens followed by padding (then plain causal attention is exact).</summary>
    public static bool IsRightPadded(Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var valid = attentionMask.to(ScalarType.Int64);
        var length = valid.shape[1];
        return length < 2 || (valid.narrow(1, 1, length - 1) <= valid.narrow(1, 0, length - 1)).all().item<bool>();
    }

    /// <summary>[B, 1, T, T]: causal, never a padded key; each query also sees itself so no row is fully masked (NaN).</summary>
    public static Tensor PaddedCausalMask(Tensor valid)
    {
        using var scope = NewDisposeScope();
        var length = valid.shape[1];
        var causal = ones(length, length, ScalarType.Bool, valid.device).tril();
        var self = eye(length, dtype: ScalarType.Bool, device: valid.device);
        return (causal.unsqueeze(0) & valid.unsqueeze(1)).logical_or(self.unsqueeze(0)).unsqueeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>Positions counting real tokens only [B, T]: padding does not shift a row's positions.</summary>
    public static Tensor PositionsFrom(Tensor valid)
    {
        using var scope = NewDisposeScope();
        return (valid.to(ScalarType.Int64).cumsum(1) - 1).clamp_min(0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The loss (the mean, or with <paramref name="rowWeights"/> the weighted sum) and the plain sum of the next-token
    /// cross-entropy over labels that are not -100, and their count.
    /// </summary>
    /// <param name="rowWeights">[B]: each row's weight for every one of its tokens (<see cref="VlmInputs.RowLossWeights"/>);
    /// null for the token mean. The sum and count stay unweighted: validation and logs compare them across settings.</param>
    public static (Tensor Loss, Tensor LossSum, Tensor Count) ShiftedCrossEntropy(Tensor logits, Tensor labels, int vocabSize, Tensor? rowWeights = null)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        var (batch, length) = (logits.shape[0], logits.shape[1]);
        if (!labels.shape.SequenceEqual(new[] { batch, length }) || labels.dtype != ScalarType.Int64)
        {
            throw new ArgumentException(
                $"labels must be int64 [{batch}, {length}] like input_ids, got {labels.dtype} [{string.Join(", ", labels.shape)}].",
                nameof(labels));
        }
        using var scope = NewDisposeScope();
        var ignored = labels == VlmInputs.IgnoreIndex;
        if (!(ignored | ((labels >= 0) & (labels < vocabSize))).all().item<bool>())
        {
            throw new ArgumentException($"labels must be -100 or a token id in [0, {vocabSize}).", nameof(labels));
        }
        // Position t predicts token t+1.
        var predictions = logits.narrow(1, 0, length - 1).reshape(-1, vocabSize);
        var targets = labels.narrow(1, 1, length - 1).reshape(-1);
        var count = (targets != VlmInputs.IgnoreIndex).sum(type: ScalarType.Int64);
        Tensor loss, lossSum;
        if (rowWeights is null)
        {
            lossSum = nn.functional.cross_entropy(predictions, targets, ignore_index: VlmInputs.IgnoreIndex, reduction: nn.Reduction.Sum);
            loss = lossSum / count.clamp_min(1).to(ScalarType.Float32);
        }
        else
        {
            if (rowWeights.ndim != 1 || rowWeights.shape[0] != batch)
            {
                throw new ArgumentException($"row loss weights must be [{batch}], got [{string.Join(", ", rowWeights.shape)}].", nameof(rowWeights));
            }
            // Ignored positions give 0 with reduction none, so each row's weight multiplies only its answer tokens.
            var perToken = nn.functional.cross_entropy(predictions, targets, ignore_index: VlmInputs.IgnoreIndex, reduction: nn.Reduction.None)
                .reshape(batch, length - 1);
            lossSum = perToken.sum();
            loss = (perToken * rowWeights.to(perToken.dtype).unsqueeze(1)).sum();
        }
        return (loss.MoveToOuterDisposeScope(), lossSum.MoveToOuterDisposeScope(), count.MoveToOuterDisposeScope());
    }
}
