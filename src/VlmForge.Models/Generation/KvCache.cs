using TorchSharp;
using static TorchSharp.torch;

namespace VlmForge.Models.Generation;

/// <summary>
/// Keys and values of every decoder layer for a batch being generated, preallocated to a fixed capacity so each
/// decode step writes one column in place. Also tracks which cached positions are real tokens (padding is never
/// attended) and the next rotary position of each row.
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor[] keys;
    private readonly Tensor[] values;
    private readonly Tensor validKeys;
    private Tensor nextPositions;
    private bool disposed;

    /// <summary>An empty cache for <paramref name="layers"/> layers.</summary>
    public KvCache(int layers, long batchSize, long keyValueHeads, long capacity, long headDim, ScalarType dtype, Device device)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        BatchSize = batchSize;
        keys = new Tensor[layers];
        values = new Tensor[layers];
        for (var i = 0; i < layers; i++)
        {
            keys[i] = zeros([batchSize, keyValueHeads, capacity, headDim], dtype, device).DetachFromDisposeScope();
            values[i] = zeros([batchSize, keyValueHeads, capacity, headDim], dtype, device).DetachFromDisposeScope();
        }
        validKeys = zeros([batchSize, capacity], ScalarType.Bool, device).DetachFromDisposeScope();
        nextPositions = zeros([batchSize], ScalarType.Int64, device).DetachFromDisposeScope();
    }

    /// <summary>Positions filled so far (the same for every row; padding fills positions too).</summary>
    public long Length { get; private set; }

    /// <summary>Positions available.</summary>
    public long Capacity { get; }

    /// <summary>Rows.</summary>
    public long BatchSize { get; }

    /// <summary>Which filled positions hold real tokens, [B, Length] bool.</summary>
    public Tensor ValidKeys => validKeys.narrow(1, 0, Length);

    /// <summary>Rotary position the next token of each row gets, [B] int64.</summary>
    public Tensor NextPositions => nextPositions;

    /// <summary>
    /// Per row, what the model adds to the embedding of each vocabulary entry it generates [B, V, D] (the tiny model's
    /// text links to its image's detections), or null. The cache owns it.
    /// </summary>
    internal Tensor? RowTokenOffsets
    {
        get => rowTokenOffsets;
        set
        {
            rowTokenOffsets?.Dispose();
            rowTokenOffsets = value?.detach().clone().DetachFromDisposeScope();
        }
    }

    private Tensor? rowTokenOffsets;

    /// <summary>Whether every filled position of every row is a real token (then no mask is needed).</summary>
    internal bool AllValid { get; private set; } = true;

    /// <summary>Writes keys/values [B, kvHeads, T, d] of <paramref name="layer"/> at the current end; returns all filled ones.</summary>
    internal (Tensor Keys, Tensor Values) Append(int layer, Tensor newKeys, Tensor newValues)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var count = newKeys.shape[2];
        using (no_grad())
        {
            keys[layer].narrow(2, Length, count).copy_(newKeys);
            values[layer].narrow(2, Length, count).copy_(newValues);
        }
        return (keys[layer].narrow(2, 0, Length + count), values[layer].narrow(2, 0, Length + count));
    }

    /// <summary>Checks that <paramref name="count"/> more positions fit, before any layer writes.</summary>
    internal void EnsureRoom(long count)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (Length + count > Capacity)
        {
            throw new InvalidOperationException(
                $"The KV cache holds {Capacity} positions and {Length} are used; {count} more do not fit. " +
                "Pass a larger maxNewTokens to Prefill.");
        }
    }

    /// <summary>Marks <paramref name="count"/> positions as written, with their validity [B, count] and the rows' next positions.</summary>
    internal void Advance(long count, Tensor valid, Tensor newNextPositions)
    {
        using (no_grad())
        {
            validKeys.narrow(1, Length, count).copy_(valid);
        }
        AllValid = AllValid && valid.all().item<bool>();
        nextPositions.Dispose();
        nextPositions = newNextPositions.detach().clone().DetachFromDisposeScope();
        Length += count;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }
        disposed = true;
        foreach (var tensor in keys.Concat(values))
        {
            tensor.Dispose();
        }
        validKeys.Dispose();
        nextPositions.Dispose();
        rowTokenOffsets?.Dispose();
    }
}
