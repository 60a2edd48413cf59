namespace VlmForge.Engine.Planning.Architecture;

/// <summary>A linear layer outside the transformer stacks (connector layers, lm_head), with where it sits.</summary>
/// <param name="Path">Full module path, for example <c>visual.merger.mlp.0</c> or <c>lm_head</c>.</param>
/// <param name="Part">Connector or head.</param>
/// <param name="Linear">Its shape; <see cref="LinearShape.Name"/> is the path's last segment.</param>
public sealed record PlacedLinear(string Path, ModelPart Part, LinearShape Linear);
