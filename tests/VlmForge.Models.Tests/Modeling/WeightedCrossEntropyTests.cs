using VlmForge.Models.Modeling;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Modeling;

/// <summary>The causal LM loss with per-row weights (training.loss_weighting), checked against sums done by hand.</summary>
public class WeightedCrossEntropyTests
{
    private const int Vocab = 7;

    // Two rows: row 0 has three answer tokens, row 1 one (the -100s are prompt and padding).
    private static (Tensor Logits, Tensor Labels) Batch()
    {
        manual_seed(5);
        var logits = randn(2, 5, Vocab);
        var labels = tensor(new long[] { -100, 3, 1, 4, -100, -100, -100, -100, 6, -100 }, [2, 5]);
        return (logits, labels);
    }

    private static double TokenLoss(Tensor logits, int row, int position, long target) =>
        -logits[row, position - 1].log_softmax(0)[target].item<float>();

    [Fact]
    public void Row_weights_weigh_each_rows_tokens_and_leave_the_sum_and_count_plain()
    {
        var (logits, labels) = Batch();
        double a = TokenLoss(logits, 0, 1, 3), b = TokenLoss(logits, 0, 2, 1), c = TokenLoss(logits, 0, 3, 4), d = TokenLoss(logits, 1, 3, 6);

        // Per example: each row's mean, then the mean over rows.
        var weights = tensor(new float[] { 1f / (2 * 3), 1f / (2 * 1) });
        var (loss, lossSum, count) = CausalLanguageModeling.ShiftedCrossEntropy(logits, labels, Vocab, weights);

        Assert.Equal((((a + b + c) / 3) + d) / 2, loss.item<float>(), 4);
        Assert.Equal(a + b + c + d, lossSum.item<float>(), 4);
        Assert.Equal(4, count.item<long>());

        var (plain, _, _) = CausalLanguageModeling.ShiftedCrossEntropy(logits, labels, Vocab);
        Assert.Equal((a + b + c + d) / 4, plain.item<float>(), 4);
        // Weights of 1/N on every row give back the token mean.
        var (uniform, _, _) = CausalLanguageModeling.ShiftedCrossEntropy(logits, labels, Vocab, full(2, 0.25f));
        Assert.Equal(plain.item<float>(), uniform.item<float>(), 5);
    }

    [Fact]
    public void Weights_must_have_one_entry_per_row()
    {
        var (logits, labels) = Batch();
        Assert.Throws<ArgumentException>(() => CausalLanguageModeling.ShiftedCrossEntropy(logits, labels, Vocab, ones(3)));
    }
}
