using VlmForge.Data.Randomness;

namespace VlmForge.Data.Batching;

/// <summary>
/// <c>training.group_by_length</c>: an epoch's shuffled order regrouped so that each batch holds examples of similar
/// length (Hugging Face's length-grouped sampler): the order is cut into windows of <see cref="Window"/> batches, each
/// window sorted by length (longest first) and cut into batches, then the full batches are shuffled from the seed and a
/// short last batch stays last (every step but the last sees a full batch). Less padding, so faster steps.
/// </summary>
public static class LengthGroupedOrder
{
    /// <summary>Batches per sorted window (Hugging Face's megabatch factor).</summary>
    public const int Window = 50;

    /// <summary>The regrouped order: the same examples, each once.</summary>
    public static int[] Regroup(IReadOnlyList<int> shuffled, Func<int, int> length, int batchSize, ulong seed, int epoch)
    {
        ArgumentNullException.ThrowIfNull(shuffled);
        ArgumentNullException.ThrowIfNull(length);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        int window = batchSize * Window;
        var batches = new List<int[]>();
        for (int start = 0; start < shuffled.Count; start += window)
        {
            // OrderBy is stable: equal lengths keep their shuffled order.
            var sorted = shuffled.Skip(start).Take(window).OrderByDescending(length).ToArray();
            batches.AddRange(sorted.Chunk(batchSize));
        }
        var full = batches.Where(b => b.Length == batchSize).ToList();
        var partial = batches.Where(b => b.Length < batchSize).SelectMany(b => b);
        // A stream of its own ("LENG" + epoch), apart from the data order's.
        SplitMix64.For(seed, 0x4C45_4E47_0000_0000UL + (ulong)epoch).Shuffle(full);
        return [.. full.SelectMany(b => b), .. partial];
    }
}
