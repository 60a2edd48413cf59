namespace VlmForge.Engine.Generation;

/// <summary>Where the time of a generation call went.</summary>
/// <param name="Prefill">Running the prompts (images included) up to the first next-token logits.</param>
/// <param name="Decoding">Every step after the prefill: constraints, sampling and the model's next-token pass.</param>
/// <param name="Sampling">The part of <paramref name="Decoding"/> spent in the sampler.</param>
/// <param name="Steps">Decoding steps (one token per unfinished row each).</param>
/// <param name="Tokens">Tokens generated over all rows.</param>
public sealed record GenerationTiming(TimeSpan Prefill, TimeSpan Decoding, TimeSpan Sampling, int Steps, long Tokens)
{
    /// <summary>No time, no tokens.</summary>
    public static GenerationTiming Zero { get; } = new(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, 0, 0);

    /// <summary>Mean duration of one decoding step.</summary>
    public TimeSpan PerStep => Steps == 0 ? TimeSpan.Zero : Decoding / Steps;

    /// <summary>Fraction of the decoding time spent in the sampler.</summary>
    public double SamplingShare => Decoding <= TimeSpan.Zero ? 0 : Sampling / Decoding;

    /// <summary>Prefill plus decoding.</summary>
    public TimeSpan Total => Prefill + Decoding;

    /// <summary>Generated tokens per second of <see cref="Total"/>.</summary>
    public double TokensPerSecond => Total <= TimeSpan.Zero ? 0 : Tokens / Total.TotalSeconds;

    /// <summary>The times and counts of two calls together.</summary>
    public GenerationTiming Add(GenerationTiming other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new GenerationTiming(
            Prefill + other.Prefill, Decoding + other.Decoding, Sampling + other.Sampling, Steps + other.Steps, Tokens + other.Tokens);
    }
}

/// <summary>What a generation call returns: one sequence per prompt row, in row order, and its timing.</summary>
public sealed record GenerationResult(IReadOnlyList<GeneratedSequence> Rows, GenerationTiming Timing);
