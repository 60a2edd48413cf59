using TorchSharp.Modules;

namespace VlmForge.Abstractions.Optimizers;

/// <summary>A trainable parameter and its name in the model's state dict (for example <c>decoder.layers.0.self_attn.q_proj.lora_A</c>).</summary>
/// <param name="Name">Stable name; keys the optimizer state in checkpoints.</param>
/// <param name="Parameter">The tensor the optimizer updates in place.</param>
public sealed record NamedParameter(string Name, Parameter Parameter);
