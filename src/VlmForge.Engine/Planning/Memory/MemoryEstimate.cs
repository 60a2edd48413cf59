namespace VlmForge.Engine.Planning.Memory;

/// <summary>The memory one training step needs at its peak, term by term.</summary>
internal sealed record MemoryEstimate
{
    /// <summary>What was estimated.</summary>
    public required PlanInput Input { get; init; }

    /// <summary>The breakdown, in the order it is printed; terms of zero bytes are left out.</summary>
    public required IReadOnlyList<MemoryTerm> Terms { get; init; }

    /// <summary>Every parameter of the model.</summary>
    public required long TotalParameters { get; init; }

    /// <summary>Parameters that train.</summary>
    public required long TrainableParameters { get; init; }

    /// <summary>Linear weights stored 4-bit.</summary>
    public required long QuantizedWeights { get; init; }

    /// <summary>Decoder tokens of the longest batch (batch size x tokens of the longest sample).</summary>
    public required long TokensPerStep { get; init; }

    /// <summary>The sum of every term.</summary>
    public long TotalBytes => Terms.Sum(t => t.Bytes);

    /// <summary>The sum of one category.</summary>
    public long Bytes(MemoryCategory category) => Terms.Where(t => t.Category == category).Sum(t => t.Bytes);

    /// <summary>The term with <paramref name="key"/>, or null when it is zero.</summary>
    public MemoryTerm? Term(string key) => Terms.FirstOrDefault(t => t.Key == key);
}
