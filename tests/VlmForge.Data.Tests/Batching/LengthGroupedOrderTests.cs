using VlmForge.Data.Batching;

namespace VlmForge.Data.Tests.Batching;

public class LengthGroupedOrderTests
{
    /// <summary>A mixed dataset's lengths: one long (grounding-like) example in six, the rest short (VQA-like).</summary>
    private static int Length(int example) => example % 6 == 0 ? 110 + (example % 7) : 45 + (example % 5);

    private static long PaddedTokens(IReadOnlyList<int> order, int batchSize) =>
        order.Chunk(batchSize).Sum(batch => (long)batch.Max(Length) * batch.Length);

    [Fact]
    public void Every_example_comes_once_and_batches_pad_far_less_than_the_plain_shuffle()
    {
        var shuffled = Enumerable.Range(0, 5890).OrderBy(i => (i * 7919) % 5890).ToArray();
        var grouped = LengthGroupedOrder.Regroup(shuffled, Length, 16, seed: 42, epoch: 0);

        Assert.Equal(Enumerable.Range(0, 5890), grouped.Order());
        long plain = PaddedTokens(shuffled, 16), regrouped = PaddedTokens(grouped, 16);
        long real = Enumerable.Range(0, 5890).Sum(i => (long)Length(i));
        Assert.True(regrouped < real * 1.05, $"grouped: {regrouped} padded tokens for {real} real ones");
        Assert.True(plain > real * 1.5, $"plain shuffle: {plain} padded tokens for {real} real ones");
    }

    [Fact]
    public void The_order_follows_the_seed_and_epoch_and_a_short_batch_stays_last()
    {
        var shuffled = Enumerable.Range(0, 1000).ToArray();
        var first = LengthGroupedOrder.Regroup(shuffled, Length, 16, seed: 1, epoch: 0);
        Assert.Equal(first, LengthGroupedOrder.Regroup(shuffled, Length, 16, seed: 1, epoch: 0));
        Assert.NotEqual(first, LengthGroupedOrder.Regroup(shuffled, Length, 16, seed: 1, epoch: 1));
        Assert.NotEqual(first, LengthGroupedOrder.Regroup(shuffled, Length, 16, seed: 2, epoch: 0));
        // 1000 = 62 x 16 + 8: the 8 left over are the last batch, not one in the middle.
        var batches = first.Chunk(16).ToArray();
        Assert.Equal(8, batches[^1].Length);
        Assert.All(batches[..^1], b => Assert.Equal(16, b.Length));
        // Long and short examples share a batch only where a sorted window turns from one to the other (two windows here).
        int mixed = batches.Count(b => b.Max(Length) >= 110 && b.Min(Length) < 50);
        Assert.True(mixed <= 2, $"{mixed} batches mix long and short examples");
    }
}
