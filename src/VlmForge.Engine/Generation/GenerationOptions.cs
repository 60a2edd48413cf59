namespace VlmForge.Engine.Generation;

/// <summary>How each next token's logits are computed.</summary>
public enum GenerationMode
{
    /// <summary>Prefill the prompt once, then feed one token per step through the model's KV cache.</summary>
    Cached,

    /// <summary>
    /// No cache: every step runs the whole model (vision tower included) over the prompt and everything generated so far.
    /// The reference the cache is checked and benchmarked against; never faster.
    /// </summary>
    Recompute,
}

/// <summary>Limits of one generation call.</summary>
public sealed record GenerationOptions
{
    /// <summary>Most tokens a row may generate, its end token included (<c>evaluation.max_new_tokens</c>).</summary>
    public required int MaxNewTokens { get; init; }

    /// <summary>Cached (the default) or recomputed decoding.</summary>
    public GenerationMode Mode { get; init; } = GenerationMode.Cached;

    /// <summary>
    /// Called with (row, token id) for every token a row takes, as soon as it is taken (the end token included), so a
    /// server can stream answers while the batch goes on. Runs on the generating thread: it must return quickly.
    /// </summary>
    public Action<int, int>? OnToken { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a limit below one token.</summary>
    public void Validate()
    {
        if (MaxNewTokens < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxNewTokens), MaxNewTokens, "max_new_tokens must be at least 1 (the page recommends 128-1024).");
        }
        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentOutOfRangeException(nameof(Mode), Mode, "Unknown generation mode.");
        }
    }
}
