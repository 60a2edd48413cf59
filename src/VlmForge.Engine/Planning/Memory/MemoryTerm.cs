namespace VlmForge.Engine.Planning.Memory;

/// <summary>What a memory term counts.</summary>
internal enum MemoryCategory
{
    /// <summary>Frozen weights (quantized or in the compute dtype).</summary>
    Weights,

    /// <summary>Trainable weights in float32 with their gradients and optimizer state.</summary>
    Trainable,

    /// <summary>What one forward and backward pass keeps: activations, logits, weight copies autograd holds.</summary>
    Activations,

    /// <summary>The framework's own memory.</summary>
    Overhead,
}

/// <summary>One line of the breakdown.</summary>
/// <param name="Key">Stable id for tools, for example <c>activations.decoder</c>.</param>
/// <param name="Category">Weights, trainable state, activations or overhead.</param>
/// <param name="Label">What it is, for people.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="Basis">How it was computed: the counts and bytes per element.</param>
internal sealed record MemoryTerm(string Key, MemoryCategory Category, string Label, long Bytes, string Basis);
