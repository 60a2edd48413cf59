using static TorchSharp.torch;

namespace VlmForge.Abstractions.Sampling;

/// <summary>Chooses next tokens from logits.</summary>
/// <remarks>
/// A sampler owns a native random generator (seeded from <see cref="SamplingOptions.Seed"/>), so it is disposable:
/// the generation session that creates it disposes it.
/// </remarks>
public interface ISampler : IDisposable
{
    /// <summary>Picks one token per row.</summary>
    /// <param name="logits">Next-token logits, shape [batch, vocab].</param>
    /// <param name="previousTokens">Tokens the repetition penalty applies to, shape [batch, t] (t may be 0).</param>
    /// <returns>Token ids, shape [batch], dtype int64.</returns>
    Tensor Next(Tensor logits, Tensor previousTokens);
}
