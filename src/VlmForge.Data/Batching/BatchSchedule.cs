using VlmForge.Data.Randomness;

namespace VlmForge.Data.Batching;

/// <summary>Where the data order stands: epoch, and how many examples of that epoch's order were consumed.</summary>
public readonly record struct DataPosition(int Epoch, int Index)
{
    public static DataPosition Start { get; } = new(0, 0);
}

/// <summary>The example indices of one batch, and the position right after it (what a checkpoint stores).</summary>
public sealed record DataBatch(int Epoch, int BatchInEpoch, IReadOnlyList<int> Indices, DataPosition Next);

/// <summary>
/// A deterministic, resumable data order: each epoch is a permutation drawn from (seed, epoch) alone, so
/// resuming at any <see cref="DataPosition"/> yields exactly the batches an uninterrupted run would have.
/// The last batch of an epoch is smaller unless <see cref="DropLast"/>.
/// </summary>
public sealed class BatchSchedule
{
    private int _cachedEpoch = -1;
    private int[] _cachedOrder = [];

    public BatchSchedule(int exampleCount, int batchSize, ulong seed, bool shuffle = true, bool dropLast = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exampleCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (dropLast && batchSize > exampleCount)
        {
            throw new ArgumentException($"With drop_last, a batch of {batchSize} from {exampleCount} examples leaves no batch at all.", nameof(batchSize));
        }

        ExampleCount = exampleCount;
        BatchSize = batchSize;
        Seed = seed;
        Shuffle = shuffle;
        DropLast = dropLast;
    }

    public int ExampleCount { get; }

    public int BatchSize { get; }

    public ulong Seed { get; }

    public bool Shuffle { get; }

    public bool DropLast { get; }

    /// <summary>ceil(examples / batch size), or floor with <see cref="DropLast"/>.</summary>
    public int BatchesPerEpoch => DropLast ? ExampleCount / BatchSize : (ExampleCount + BatchSize - 1) / BatchSize;

    /// <summary>The order of example indices in <paramref name="epoch"/>.</summary>
    public IReadOnlyList<int> OrderOf(int epoch) => Order(epoch);

    private int[] Order(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        if (epoch != _cachedEpoch)
        {
            int[] order = Enumerable.Range(0, ExampleCount).ToArray();
            if (Shuffle)
            {
                SplitMix64.For(Seed, (ulong)epoch).Shuffle(order);
            }

            _cachedOrder = order;
            _cachedEpoch = epoch;
        }

        return _cachedOrder;
    }

    /// <summary>Batches from <paramref name="start"/> until the end of epoch <paramref name="endEpoch"/> - 1.</summary>
    public IEnumerable<DataBatch> Batches(DataPosition start, int endEpoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start.Epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(start.Index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start.Index, ExampleCount, nameof(start));
        int limit = DropLast ? BatchesPerEpoch * BatchSize : ExampleCount;
        for (int epoch = start.Epoch; epoch < endEpoch; epoch++)
        {
            int index = epoch == start.Epoch ? start.Index : 0;
            while (index < limit)
            {
                int take = Math.Min(BatchSize, limit - index);
                if (DropLast && take < BatchSize)
                {
                    break;
                }

                int[] indices = Order(epoch).AsSpan(index, take).ToArray();
                int batchInEpoch = index / BatchSize;
                index += take;
                DataPosition next = index >= limit ? new DataPosition(epoch + 1, 0) : new DataPosition(epoch, index);
                yield return new DataBatch(epoch, batchInEpoch, indices, next);
            }
        }
    }
}
