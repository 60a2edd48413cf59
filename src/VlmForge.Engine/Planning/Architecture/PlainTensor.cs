namespace VlmForge.Engine.Planning.Architecture;

/// <summary>A weight tensor that is not a linear layer (embeddings, norms outside stacks, convolutional patch projections).</summary>
/// <param name="Path">Full parameter path, for example <c>model.embed_tokens.weight</c>.</param>
/// <param name="Part">Where it sits.</param>
/// <param name="Elements">Number of elements.</param>
public sealed record PlainTensor(string Path, ModelPart Part, long Elements);
