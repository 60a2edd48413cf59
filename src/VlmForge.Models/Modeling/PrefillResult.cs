using VlmForge.Models.Generation;
using static TorchSharp.torch;

namespace VlmForge.Models.Modeling;

/// <summary>The start of generation: logits for each row's next token and the filled cache (which the caller disposes).</summary>
/// <param name="Logits">[B, V] float32 at each row's last real token.</param>
/// <param name="Cache">Keys and values of the prompt, room for the requested new tokens.</param>
public sealed record PrefillResult(Tensor Logits, KvCache Cache);
